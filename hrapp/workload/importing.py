"""Case import through the staged (streaming) path: files of a month of a city's cases, and the
API's batches. Natural key: (source system, external id); a later export of the same case (more
states filled in) updates it, the same file twice changes nothing.

Codes (category, source, grid, officers' employee numbers) are resolved to ids while the file is
read, through lookups loaded once per import (a city has thousands of grids and tens of thousands
of officers: a few MB), so the staging table holds the rows as they will be merged; an unknown
code is a row error, never a per-row query. Timestamps are read in
Python (ISO 8601; without an offset they are Shanghai time) and staged in UTC; the deadline is
the platform's when the file has one, else computed from the category's time limit and the
working calendar.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from hrapp.core.importing import Column
from hrapp.core.staged_import import ROW, StagedImportSpec
from hrapp.officers.models import Officer
from hrapp.org.models import Grid
from hrapp.workload.calendar import UTC_OFFSET, WorkingCalendar
from hrapp.workload.models import (
    RATING_CODES,
    STATUSES,
    SUPERVISION_CODES,
    CalendarDay,
    Case,
    CaseCategory,
    CaseSource,
    SourceSystem,
)

TIMESTAMPS = (
    "reported_at",
    "accepted_at",
    "dispatched_at",
    "handled_at",
    "closed_at",
    "rejected_at",
    "merged_at",
    "reworked_at",
    "reopened_at",
)
# (later, earlier): a state cannot come before the one it follows.
ORDER = [
    ("accepted_at", "reported_at"),
    ("dispatched_at", "reported_at"),
    ("dispatched_at", "accepted_at"),
    ("handled_at", "reported_at"),
    ("handled_at", "dispatched_at"),
    ("closed_at", "reported_at"),
    ("closed_at", "handled_at"),
    ("rejected_at", "reported_at"),
    ("merged_at", "reported_at"),
    ("reworked_at", "reported_at"),
    ("reopened_at", "reported_at"),
]
# A status needs the time of its state.
STATUS_NEEDS = {"closed": "closed_at", "handled": "handled_at", "rejected": "rejected_at", "merged": "merged_at"}
UPDATED = (
    "category_id",
    "source_id",
    "grid_id",
    "reporter_id",
    "handler_id",
    "status",
    *TIMESTAMPS,
    "rework_count",
    "deadline_at",
    "supervision",
    "rating",
)


_VALID_MINUTES = {f":{minute:02d}:{second:02d}" for minute in range(60) for second in range(60)}
_HOUR_CACHE: dict[str, str] = {}


def _parse_timestamp_slow(text: str) -> str:
    try:
        value = dt.datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise ValueError(_("Not a date and time (use YYYY-MM-DD HH:MM:SS).")) from None
    if not 2000 <= value.year <= 2100:  # before the offset arithmetic, which overflows at year 1 or 9999
        raise ValueError(_("The year is out of range."))
    if value.tzinfo is None:
        value -= UTC_OFFSET
    else:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    if not 2000 <= value.year <= 2100:
        raise ValueError(_("The year is out of range."))
    return value.isoformat(" ", "microseconds")


def parse_timestamp(text: str) -> str:
    """ISO 8601 time → UTC, as the database stores it. Without an offset it is Shanghai time.

    A million-row file spends most of its parsing here, so the common export form
    'YYYY-MM-DD HH:MM[:SS]' converts through a cache of the hour ('2026-03-01 08' → its UTC hour):
    only the first time of each hour goes through datetime; the rest is a lookup and a check
    of the minutes and seconds."""
    size = len(text)
    if size == 16:
        text, size = text + ":00", 19
    if size == 19 and text[10] == " ":
        tail = text[13:]
        if tail in _VALID_MINUTES:
            hour = text[:13]
            utc_hour = _HOUR_CACHE.get(hour)
            if utc_hour is None:
                utc_hour = _parse_timestamp_slow(hour + ":00:00")[:13]
                if len(_HOUR_CACHE) < 500_000:
                    _HOUR_CACHE[hour] = utc_hour
            return utc_hour + tail + ".000000"
    return _parse_timestamp_slow(text)


# Control characters never belong in a code (and PostgreSQL text cannot hold NUL).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _external_id(text: str) -> str:
    if len(text) <= 40 and text.isprintable():
        return text
    if len(text) > 40:
        raise ValueError(_("At most %(n)d characters.", n=40))
    if _CONTROL.search(text):
        raise ValueError(_("Control characters are not allowed."))
    return text


def _code(text: str) -> str:
    if len(text) <= 40 and text.isprintable():  # the common case, without a regex
        return text
    if len(text) > 40 or _CONTROL.search(text):
        raise ValueError(_("Unknown code %(code)s.", code=_CONTROL.sub("?", text[:40])))
    return text


def _small_int(limit: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(_("Not a whole number.")) from None
        if not 0 <= value <= limit:
            raise ValueError(_("Must be between 0 and %(max)d.", max=limit))
        return value

    return parse


def _label_map(choices: dict, extra: dict) -> dict[str, object]:
    names = dict(extra)
    for code, label in choices.items():
        names[str(code).lower()] = code
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                names[str(label).lower()] = code
    return names


def _choice(choices: dict, extra: dict):
    """Parse a code or its label in either language; the table is built once, not per cell."""
    table: dict[str, object] = {}

    def parse(text: str):
        if not table:
            table.update(_label_map(choices, extra))
        try:
            return table[text.lower()]
        except KeyError:
            raise ValueError(_("Unknown value %(value)s.", value=text)) from None

    return parse


_status = _choice(STATUSES, {})
_supervision = _choice({}, SUPERVISION_CODES)
_rating = _choice({}, {key: value for key, value in RATING_CODES.items() if value is not None})

COLUMNS = [
    Column("external_id", _l("Case number"), _external_id, example="FT2026030100001"),
    Column("category", _l("Category code"), _code, example="01-01"),
    Column("source", _l("Case source"), _code, example="patrol"),
    Column("grid", _l("Grid code"), _code, example="FT03-01-01"),
    Column("reporter", _l("Reporting officer (employee no.)"), _code, required=False, example="FT00001"),
    Column("handler", _l("Handling officer (employee no.)"), _code, required=False, example="FT00001"),
    Column("status", _l("Case status"), _status, example="closed"),
    Column("reported_at", _l("Reported at"), parse_timestamp, example="2026-03-01 09:12:00"),
    Column("accepted_at", _l("Accepted at"), parse_timestamp, required=False, example="2026-03-01 09:20:00"),
    Column("dispatched_at", _l("Dispatched at"), parse_timestamp, required=False, example="2026-03-01 09:31:00"),
    Column("handled_at", _l("Handled at"), parse_timestamp, required=False, example="2026-03-01 11:02:00"),
    Column("closed_at", _l("Closed at"), parse_timestamp, required=False, example="2026-03-01 15:40:00"),
    Column("rejected_at", _l("Rejected at"), parse_timestamp, required=False),
    Column("merged_at", _l("Merged at"), parse_timestamp, required=False),
    Column("reworked_at", _l("Rework ordered at"), parse_timestamp, required=False),
    Column("reopened_at", _l("Reopened at"), parse_timestamp, required=False),
    Column("rework_count", _l("Rework count"), _small_int(100), required=False, example="0"),
    Column("deadline_at", _l("Deadline"), parse_timestamp, required=False),
    Column("supervision", _l("Supervision"), _supervision, required=False, example="none"),
    Column("rating", _l("Citizen rating"), _rating, required=False, example="satisfied"),
]


_CALENDARS: dict[frozenset, WorkingCalendar] = {}


def _calendar(exceptions: dict) -> WorkingCalendar:
    """The working calendar over the years a timestamp may have, built once per set of calendar
    days (an API batch is small: it should not rebuild a century of days)."""
    key = frozenset(exceptions.items())
    calendar = _CALENDARS.get(key)
    if calendar is None:
        _CALENDARS.clear()
        calendar = _CALENDARS[key] = WorkingCalendar(exceptions, dt.date(2000, 1, 1), dt.date(2100, 12, 31))
    return calendar


class CaseImportContext:
    def __init__(self, source_system_id: int, session):
        self.source_system_id = source_system_id
        self.limits = {
            code: (value, unit)
            for code, value, unit in session.execute(
                sa.select(CaseCategory.code, CaseCategory.limit_value, CaseCategory.limit_unit)
            )
        }
        # Only second-level categories take cases; sources are named by code or by name in exports.
        self.categories = dict(
            session.execute(
                sa.select(CaseCategory.code, CaseCategory.id).where(CaseCategory.parent_id.is_not(None))
            ).all()
        )
        self.sources = {}
        for source_id, code, name in session.execute(sa.select(CaseSource.id, CaseSource.code, CaseSource.name)):
            self.sources[name] = self.sources[code] = source_id
        self.grids = dict(session.execute(sa.select(Grid.code, Grid.id)).all())
        self.officers = dict(session.execute(sa.select(Officer.employee_no, Officer.id)).all())
        exceptions = dict(session.execute(sa.select(CalendarDay.day, CalendarDay.kind)).all())
        self.calendar = _calendar(exceptions)
        self._deadlines: dict[tuple, str | None] = {}

    def deadline(self, reported_utc: str, value: int, unit: str) -> str | None:
        """The deadline (UTC text) of a case reported at `reported_utc` (UTC text). A limit in
        days depends only on the local date, so those are cached by (local hour, limit)."""
        key = (reported_utc[:13], value, unit) if unit == "days" else None
        if key is not None and key in self._deadlines:
            return self._deadlines[key]
        deadline = self.calendar.deadline_utc(dt.datetime.fromisoformat(reported_utc), value, unit)
        text = deadline.isoformat(" ", "microseconds") if deadline else None
        if key is not None and len(self._deadlines) < 200_000:
            self._deadlines[key] = text
        return text


def _staging_columns(context) -> list[sa.Column]:
    return [
        sa.Column("external_id", sa.String(40)),
        *[sa.Column(key, sa.Integer) for key in ("category_id", "source_id", "grid_id", "reporter_id", "handler_id")],
        sa.Column("status", sa.String(10)),
        *[sa.Column(key, sa.DateTime) for key in TIMESTAMPS],
        sa.Column("rework_count", sa.SmallInteger),
        sa.Column("deadline_at", sa.DateTime),
        sa.Column("supervision", sa.SmallInteger),
        sa.Column("rating", sa.SmallInteger),
    ]


# (code column, lookup in the context, id column, message of an unknown code)
REFERENCES = (
    ("category", "categories", "category_id", _l("Unknown category %(code)s.")),
    ("source", "sources", "source_id", _l("Unknown case source %(code)s.")),
    ("grid", "grids", "grid_id", _l("Unknown grid %(code)s.")),
    ("reporter", "officers", "reporter_id", _l("Unknown officer %(code)s.")),
    ("handler", "officers", "handler_id", _l("Unknown officer %(code)s.")),
)


def _derive(record: dict, context: CaseImportContext) -> list[tuple[str, str]] | None:
    problems = None
    for key, lookup, id_key, message in REFERENCES:
        code = record[key]
        if code is None:  # an optional officer left blank
            record[id_key] = None
            continue
        found = getattr(context, lookup).get(code)
        if found is None:
            problems = problems or []
            problems.append((key, str(message) % {"code": code}))
        record[id_key] = found
    if problems:
        return problems
    if record["rework_count"] is None:
        record["rework_count"] = 1 if record["reworked_at"] else 0
    if record["supervision"] is None:
        record["supervision"] = 0
    if record["deadline_at"] is None:
        limit = context.limits.get(record["category"])
        if limit and limit[0]:
            record["deadline_at"] = context.deadline(record["reported_at"], limit[0], limit[1])
    return None


def _checks(connection: sa.Connection, staging: sa.Table, context: CaseImportContext):
    """Timestamps in order and a status's time present, over the whole staging table at once."""
    r = staging.c
    violations = [
        sa.case((sa.and_(r[later].is_not(None), r[earlier].is_not(None), r[later] < r[earlier]), 1), else_=0)
        for later, earlier in ORDER
    ]
    missing = [
        sa.case((sa.and_(r.status == status, r[column].is_(None)), 1), else_=0)
        for status, column in STATUS_NEEDS.items()
    ]
    query = (
        sa.select(r[ROW], *violations, *missing)
        .where(sa.or_(*[flag == 1 for flag in violations + missing]))
        .order_by(r[ROW])
    )
    labels = {column.key: str(column.label) for column in COLUMNS}
    for row in connection.execute(query):
        for index, (later, earlier) in enumerate(ORDER):
            if row[1 + index]:
                yield row[0], later, _("%(later)s is before %(earlier)s.", later=labels[later], earlier=labels[earlier])
        for index, (status, column) in enumerate(STATUS_NEEDS.items()):
            if row[1 + len(ORDER) + index]:
                yield row[0], column, _("A case with status %(status)s needs this time.", status=str(STATUSES[status]))


def _outcomes(staging: sa.Table, context: CaseImportContext) -> sa.Select:
    case = sa.orm.aliased(Case)
    differs = sa.or_(*[getattr(case, key).is_distinct_from(staging.c[key]) for key in UPDATED])
    outcome = sa.case((case.id.is_(None), "created"), (differs, "updated"), else_="unchanged")
    return sa.select(staging.c[ROW], outcome.label("outcome")).select_from(
        staging.outerjoin(
            case,
            sa.and_(case.source_system_id == context.source_system_id, case.external_id == staging.c.external_id),
        )
    )


def _merge(connection: sa.Connection, staging: sa.Table, context: CaseImportContext) -> None:
    """One INSERT … SELECT … ON CONFLICT DO UPDATE, rewriting only the rows that changed."""
    names = ["source_system_id", "external_id", *UPDATED]
    # SQLite needs a WHERE in an upsert's SELECT (else ON CONFLICT reads as a join's ON). Rows go
    # in in time order: every index of cases leads with, or follows its key with, reported_at, so
    # time order appends to each B-tree instead of writing all over it (several times faster on a
    # million rows in no particular order).
    select = (
        sa.select(sa.literal(context.source_system_id), *[staging.c[name] for name in names[1:]])
        .where(sa.true())
        .order_by(staging.c.reported_at)
    )
    insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(Case)
    statement = insert.from_select(names, select)
    table = Case.__table__
    statement = statement.on_conflict_do_update(
        index_elements=["source_system_id", "external_id"],
        set_={key: statement.excluded[key] for key in UPDATED},
        where=sa.or_(*[table.c[key].is_distinct_from(statement.excluded[key]) for key in UPDATED]),
    )
    connection.execute(statement)


def case_import_spec(source_system_id: int, session) -> StagedImportSpec:
    return StagedImportSpec(
        name="cases",
        columns=COLUMNS,
        staging_columns=_staging_columns,
        key=("external_id",),
        prepare=lambda: CaseImportContext(source_system_id, session),
        derive=_derive,
        checks=_checks,
        outcomes=_outcomes,
        merge=_merge,
    )


def default_source_system_id(session) -> int | None:
    return session.scalar(
        sa.select(SourceSystem.id).where(SourceSystem.active.is_(True)).order_by(SourceSystem.id).limit(1)
    )
