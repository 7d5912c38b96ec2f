"""Read side of workload: measures per officer, per grid and per street over any period (the grid
balance and the anomaly signals build on them in balance.py and anomalies.py) — every figure an
aggregate in SQL (GROUP BY), never cases loaded into Python. Periods are dates in Shanghai time, half-open [start, end).

Definitions (denominators say what each rate is of):
- volume: cases reported in the period, less rejected and merged ones (valid cases);
- 结案率 closure rate = closed / volume; 按期结案率 on-time rate = closed by the deadline / closed;
- 返工率 rework rate = cases sent back for rework at least once / closed;
- average time to close: hours from report to closure, over closed cases;
- satisfaction = 满意 ratings / rated cases;
- self-handled share = cases the same officer reported and handled / volume;
- per officer, cases count for the handling officer; `reported` counts their own reports.
Volumes are also divided by the grid's workload index (its 四实 counts against the average grid),
so a heavy grid's officer compares fairly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from hrapp.core.db import dialect_name
from hrapp.core.permissions import street_scope
from hrapp.extensions import db
from hrapp.officers.models import Posting
from hrapp.org.models import Community, Grid, Street
from hrapp.workload.calendar import UTC_OFFSET
from hrapp.workload.models import Case, WorkRecord

# Weights of the 四实 counts in a grid's workload index (default; the index is relative to the
# average active grid, so only the proportions matter).
INDEX_WEIGHTS = {"population": 0.4, "housing_units": 0.3, "entities": 0.2, "facilities": 0.1}
VALID = Case.status.not_in(("rejected", "merged"))


def utc_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in Shanghai dates → the same instants in stored (naive UTC) time."""
    return dt.datetime.combine(start, dt.time()) - UTC_OFFSET, dt.datetime.combine(end, dt.time()) - UTC_OFFSET


def hours_between(later, earlier):
    """SQL hours from `earlier` to `later` (both stored timestamps); the one dialect switch."""
    if dialect_name() == "postgresql":
        return sa.extract("epoch", later - earlier) / 3600.0
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 24.0


def local_month(column):
    """'YYYY-MM' of a stored UTC timestamp, in Shanghai time."""
    if dialect_name() == "postgresql":
        return sa.func.to_char(column + sa.text("interval '8 hours'"), "YYYY-MM")
    return sa.func.strftime("%Y-%m", column, "+8 hours")


@dataclasses.dataclass
class Measures:
    key: object = None
    label: str = ""
    volume: int = 0
    closed: int = 0
    on_time: int = 0
    reworked: int = 0
    close_hours: float = 0.0  # sum over closed cases
    rated: int = 0
    satisfied: int = 0
    self_handled: int = 0
    reported: int = 0
    collected: int = 0
    visits: int = 0
    patrol_minutes: int = 0
    index: float = 1.0

    @staticmethod
    def _rate(part: float, whole: float) -> float | None:
        return part / whole if whole else None

    @property
    def closure_rate(self):
        return self._rate(self.closed, self.volume)

    @property
    def on_time_rate(self):
        return self._rate(self.on_time, self.closed)

    @property
    def rework_rate(self):
        return self._rate(self.reworked, self.closed)

    @property
    def satisfaction(self):
        return self._rate(self.satisfied, self.rated)

    @property
    def self_handled_share(self):
        return self._rate(self.self_handled, self.volume)

    @property
    def average_close_hours(self):
        return self._rate(self.close_hours, self.closed)

    @property
    def normalised_volume(self):
        return self._rate(self.volume, self.index)

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        for name in (
            "closure_rate",
            "on_time_rate",
            "rework_rate",
            "satisfaction",
            "self_handled_share",
            "average_close_hours",
            "normalised_volume",
        ):
            data[name] = getattr(self, name)
        return data


def _case_columns(close_hours: bool = True):
    """The case aggregates; without `close_hours` the hours to closure are not summed (a date
    difference per closed case: a tenth of the aggregate's time, which the assessments do not read)."""
    closed = sa.and_(Case.status == "closed", Case.closed_at.is_not(None))
    count_if = lambda condition: sa.func.sum(sa.case((condition, 1), else_=0))  # noqa: E731
    hours = hours_between(Case.closed_at, Case.reported_at) if close_hours else sa.literal(0.0)
    return [
        count_if(VALID).label("volume"),
        count_if(closed).label("closed"),
        count_if(sa.and_(closed, Case.deadline_at.is_not(None), Case.closed_at <= Case.deadline_at)).label("on_time"),
        count_if(sa.and_(closed, Case.rework_count > 0)).label("reworked"),
        sa.func.sum(sa.case((closed, hours), else_=0.0)).label("close_hours"),
        sa.func.count(Case.rating).label("rated"),
        count_if(Case.rating == 3).label("satisfied"),
        count_if(sa.and_(VALID, Case.reporter_id == Case.handler_id)).label("self_handled"),
    ]


def _fill(measures: Measures, row) -> None:
    for name in ("volume", "closed", "on_time", "reworked", "rated", "satisfied", "self_handled"):
        setattr(measures, name, int(getattr(row, name) or 0))
    measures.close_hours = float(row.close_hours or 0)


SUMMED = ("volume", "closed", "on_time", "reworked", "close_hours", "rated", "satisfied", "self_handled")


def _scoped(query, user, street_id: int | None = None, grid_id: int | None = None):
    """A select over cases limited to the grids the user may see (and to one street or grid),
    without joining every case to its grid and community: the grids are a small set, matched by
    id; a user who sees every street needs no condition at all."""
    if grid_id is not None:
        query = query.where(Case.grid_id == grid_id)
    scope = street_scope(user, Community.street_id)
    if street_id is None and isinstance(scope, sa.sql.elements.True_):
        return query
    grids = sa.select(Grid.id).join(Community, Community.id == Grid.community_id).where(scope)
    if street_id is not None:
        grids = grids.where(Community.street_id == street_id)
    return query.where(Case.grid_id.in_(grids))


def grid_index_expression():
    """SQL expression of a grid's workload index: its weighted 四实 counts over the average grid's."""
    averages = (
        sa.select(*[sa.func.avg(getattr(Grid, name)).label(name) for name in INDEX_WEIGHTS])
        .where(Grid.active.is_(True))
        .subquery()
    )
    total = sum(INDEX_WEIGHTS.values())
    parts = [
        sa.func.coalesce(getattr(Grid, name) * weight / sa.func.nullif(averages.c[name], 0), weight)
        for name, weight in INDEX_WEIGHTS.items()
    ]
    index = sum(parts[1:], parts[0]) / total
    return sa.case((index < 0.05, 0.05), else_=index), averages


def grid_indexes(grid_ids: list[int] | None = None) -> dict[int, float]:
    expression, averages = grid_index_expression()
    query = sa.select(Grid.id, expression).select_from(Grid).join(averages, sa.true())
    if grid_ids is not None:
        query = query.where(Grid.id.in_(grid_ids))
    return {grid_id: float(value or 1.0) for grid_id, value in db.session.execute(query)}


# --- per officer ------------------------------------------------------------------------------


def officer_measures(
    start: dt.date, end: dt.date, officer_ids: list[int] | None = None, *, close_hours: bool = True
) -> dict[int, Measures]:
    """Measures of each officer with cases or work records in [start, end); `officer_ids` limits
    them; `close_hours=False` leaves the hours to closure out (summed as 0), for readers that need none."""
    low, high = utc_bounds(start, end)
    handled = sa.select(Case.handler_id.label("officer_id"), *_case_columns(close_hours)).where(
        Case.reported_at >= low, Case.reported_at < high, Case.handler_id.is_not(None)
    )
    reported = sa.select(Case.reporter_id, sa.func.count()).where(
        Case.reported_at >= low, Case.reported_at < high, Case.reporter_id.is_not(None), VALID
    )
    work = sa.select(
        WorkRecord.officer_id,
        sa.func.sum(
            WorkRecord.population_items + WorkRecord.housing_items + WorkRecord.entity_items + WorkRecord.facility_items
        ),
        sa.func.sum(WorkRecord.visits),
        sa.func.sum(WorkRecord.patrol_minutes),
    ).where(WorkRecord.day >= start, WorkRecord.day < end)
    if officer_ids is not None:
        handled = handled.where(Case.handler_id.in_(officer_ids))
        reported = reported.where(Case.reporter_id.in_(officer_ids))
        work = work.where(WorkRecord.officer_id.in_(officer_ids))
    result: dict[int, Measures] = {}
    for row in db.session.execute(handled.group_by(Case.handler_id)):
        _fill(result.setdefault(row.officer_id, Measures(key=row.officer_id)), row)
    for officer_id, count in db.session.execute(reported.group_by(Case.reporter_id)):
        result.setdefault(officer_id, Measures(key=officer_id)).reported = int(count)
    for officer_id, collected, visits, patrol in db.session.execute(work.group_by(WorkRecord.officer_id)):
        measures = result.setdefault(officer_id, Measures(key=officer_id))
        measures.collected, measures.visits, measures.patrol_minutes = int(collected), int(visits), int(patrol)
    # Normalise by the index of each officer's primary grid on the period's last day.
    last_day = end - dt.timedelta(days=1)
    posted = sa.select(Posting.officer_id, Posting.grid_id).where(
        Posting.is_primary.is_(True), Posting.valid_on(last_day)
    )
    if officer_ids is not None:
        posted = posted.where(Posting.officer_id.in_(officer_ids))
    grid_of = dict(db.session.execute(posted).all())
    indexes = grid_indexes(sorted(set(grid_of.values()))) if len(grid_of) < 5000 else grid_indexes()
    for officer_id, measures in result.items():
        measures.index = indexes.get(grid_of.get(officer_id), 1.0)
    return result


def officer_months(start: dt.date, end: dt.date, officer_ids: list[int]) -> dict[tuple[int, str], Measures]:
    """Measures of many officers month by month (Shanghai months, 'YYYY-MM') over [start, end): the
    cases they handled and their own valid reports, two GROUP BYs whatever the number of officers."""
    low, high = utc_bounds(start, end)
    month = local_month(Case.reported_at).label("month")
    result: dict[tuple[int, str], Measures] = {}
    handled = (
        sa.select(Case.handler_id.label("officer_id"), month, *_case_columns())
        .where(Case.reported_at >= low, Case.reported_at < high, Case.handler_id.in_(officer_ids))
        .group_by(Case.handler_id, month)
    )
    for row in db.session.execute(handled):
        _fill(result.setdefault((row.officer_id, row.month), Measures(key=row.officer_id, label=row.month)), row)
    reported = (
        sa.select(Case.reporter_id, month, sa.func.count())
        .where(Case.reported_at >= low, Case.reported_at < high, Case.reporter_id.in_(officer_ids), VALID)
        .group_by(Case.reporter_id, month)
    )
    for officer_id, key, count in db.session.execute(reported):
        result.setdefault((officer_id, key), Measures(key=officer_id, label=key)).reported = int(count)
    return result


def officer_trend(officer_id: int, months: int, end: dt.date) -> list[Measures]:
    """One officer's measures month by month for the `months` months ending before `end` (a month start)."""
    from hrapp.core.dates import add_months

    start = add_months(end, -months)
    low, high = utc_bounds(start, end)
    month = local_month(Case.reported_at).label("month")
    rows = db.session.execute(
        sa.select(month, *_case_columns())
        .where(Case.handler_id == officer_id, Case.reported_at >= low, Case.reported_at < high)
        .group_by(month)
    )
    by_month = {}
    for row in rows:
        measures = Measures(key=row.month, label=row.month)
        _fill(measures, row)
        by_month[row.month] = measures
    work_month = (
        sa.func.to_char(WorkRecord.day, "YYYY-MM")
        if dialect_name() == "postgresql"
        else sa.func.strftime("%Y-%m", WorkRecord.day)
    ).label("month")
    for key, collected, visits in db.session.execute(
        sa.select(
            work_month,
            sa.func.sum(
                WorkRecord.population_items
                + WorkRecord.housing_items
                + WorkRecord.entity_items
                + WorkRecord.facility_items
            ),
            sa.func.sum(WorkRecord.visits),
        )
        .where(WorkRecord.officer_id == officer_id, WorkRecord.day >= start, WorkRecord.day < end)
        .group_by(work_month)
    ):
        measures = by_month.setdefault(key, Measures(key=key, label=key))
        measures.collected, measures.visits = int(collected), int(visits)
    trend = []
    for offset in range(months):
        key = add_months(start, offset).strftime("%Y-%m")
        trend.append(by_month.get(key, Measures(key=key, label=key)))
    return trend


# --- per grid and per street ----------------------------------------------------------------------


def grid_measures(user, start: dt.date, end: dt.date, street_id: int | None = None, grid_id: int | None = None):
    """Measures of each grid the user may see, with its workload index and normalised volume."""
    low, high = utc_bounds(start, end)
    query = _scoped(
        sa.select(Case.grid_id, *_case_columns())
        .where(Case.reported_at >= low, Case.reported_at < high)
        .group_by(Case.grid_id),
        user,
        street_id,
        grid_id,
    )
    grids = (
        sa.select(Grid.id, Grid.code, Grid.name, Community.street_id)
        .join(Community)
        .where(street_scope(user, Community.street_id), Grid.active.is_(True))
    )
    if street_id is not None:
        grids = grids.where(Community.street_id == street_id)
    if grid_id is not None:
        grids = grids.where(Grid.id == grid_id)
    result = {
        row.id: Measures(key=row.id, label=f"{row.code} {row.name}")
        for row in db.session.execute(grids.order_by(Grid.code))
    }
    for row in db.session.execute(query):
        if row.grid_id in result:
            _fill(result[row.grid_id], row)
    indexes = grid_indexes(list(result)) if len(result) < 5000 else grid_indexes()
    for key, measures in result.items():
        measures.index = indexes.get(key, 1.0)
    return result


def street_measures(user, start: dt.date, end: dt.date) -> list[Measures]:
    """Each street's measures: the period's cases summed per grid (an index range, no join per
    case), then the few thousand grid rows rolled up to their streets."""
    low, high = utc_bounds(start, end)
    per_grid = _scoped(
        sa.select(Case.grid_id.label("grid_id"), *_case_columns())
        .where(Case.reported_at >= low, Case.reported_at < high)
        .group_by(Case.grid_id),
        user,
    ).subquery()
    rows = db.session.execute(
        sa.select(Street.id, Street.name, *[sa.func.sum(per_grid.c[name]).label(name) for name in SUMMED])
        .select_from(per_grid)
        .join(Grid, Grid.id == per_grid.c.grid_id)
        .join(Community, Community.id == Grid.community_id)
        .join(Street, Street.id == Community.street_id)
        .group_by(Street.id, Street.name)
        .order_by(Street.name)
    )
    result = []
    for row in rows:
        measures = Measures(key=row.id, label=row.name)
        _fill(measures, row)
        result.append(measures)
    return result


def monthly_totals(user, months: int, end: dt.date, street_id: int | None = None, grid_id: int | None = None):
    """Month-by-month measures of everything the user may see (one street or grid if given). Each
    case falls in its month by comparing its time with the months' bounds (a CASE over a dozen
    constants) rather than by formatting every timestamp."""
    from hrapp.core.dates import add_months

    start = add_months(end, -months)
    starts = [add_months(start, offset) for offset in range(months + 1)]
    bounds = [utc_bounds(day, day)[0] for day in starts]
    labels = [day.strftime("%Y-%m") for day in starts[:-1]]
    month = sa.case(
        *[(Case.reported_at < bounds[index + 1], sa.literal(label)) for index, label in enumerate(labels)]
    ).label("month")
    query = _scoped(
        sa.select(month, *_case_columns())
        .where(Case.reported_at >= bounds[0], Case.reported_at < bounds[-1])
        .group_by(month),
        user,
        street_id,
        grid_id,
    )
    by_month = {}
    for row in db.session.execute(query):
        measures = Measures(key=row.month, label=row.month)
        _fill(measures, row)
        by_month[row.month] = measures
    return [
        by_month.get(key, Measures(key=key, label=key))
        for key in (add_months(start, offset).strftime("%Y-%m") for offset in range(months))
    ]
