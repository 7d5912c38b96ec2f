"""Attendance import for one training session: a row per officer (employee number, hours, exam
score, certificate). Natural key: session + employee number, so re-importing a file changes nothing.
Built on the one import framework (hrapp.core.importing)."""

from __future__ import annotations

import dataclasses
import decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hrapp.core.importing import Column, ImportSpec, RowRejected, parse_date
from hrapp.core.permissions import can_edit_officer
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.officers.models import Officer
from hrapp.training import services
from hrapp.training.models import Attendance, TrainingSession


def _decimal(text: str) -> decimal.Decimal:
    try:
        value = decimal.Decimal(text.replace(",", "."))
    except decimal.InvalidOperation:
        raise ValueError(_("Not a number.")) from None
    if not value.is_finite():
        raise ValueError(_("Not a number."))
    return value


YES = {"1", "y", "yes", "true", "是", "通过", "合格"}
NO = {"0", "n", "no", "false", "否", "不通过", "不合格"}


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(_("Use yes/no (是/否)."))


@dataclasses.dataclass(frozen=True)
class Unreadable:
    """A cell that did not parse. The row check reports it with the officer's name, next to
    every other problem of the row (a parse error no longer hides a score of 150)."""

    message: str


def _or_unreadable(parse):
    def parse_cell(text: str):
        try:
            return parse(text)
        except ValueError as error:
            return Unreadable(str(error))

    return parse_cell


COLUMNS = [
    Column("employee_no", _l("Employee no."), str.strip, example="FT00001"),
    Column("hours", _l("Hours"), _or_unreadable(_decimal), required=False, example="8"),
    Column("exam_score", _l("Exam score"), _or_unreadable(_decimal), required=False, example="85"),
    Column("passed", _l("Passed"), _or_unreadable(_yes_no), required=False, example="是"),
    Column("certificate_no", _l("Certificate no."), str.strip, required=False, example="ZS-2025-0001"),
    Column(
        "certificate_expires",
        _l("Certificate expiry"),
        _or_unreadable(parse_date),
        required=False,
        example="2028-06-30",
    ),
]
FIELD_COLUMN = {"hours": "hours", "exam_score": "exam_score", "certificate_expires": "certificate_expires"}


class _Context:
    def __init__(self, session: TrainingSession, acting):
        self.session = session
        self.acting = acting
        # Plain rows (id, street, status) are all the rules need; cheaper than loading profiles.
        self.officers = {
            row.employee_no: row
            for row in db.session.execute(
                sa.select(
                    Officer.id, Officer.employee_no, Officer.name, Officer.street_id, Officer.status, Officer.hire_date
                )
            )
        }
        self.existing = {
            a.officer_id: a
            for a in db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id))
        }


def _entry(record: dict, context: _Context) -> dict:
    hours = record.get("hours")
    return {
        "hours": hours if hours is not None else context.session.course.hours,
        "exam_score": record.get("exam_score"),
        "passed": record.get("passed"),
        "certificate_no": record.get("certificate_no"),
        "certificate_expires": record.get("certificate_expires"),
    }


def _check(record: dict, context: _Context) -> list[tuple[str, str]]:
    """Every problem of the row, each naming the officer."""
    officer = context.officers.get(record["employee_no"])
    if officer is None or not can_edit_officer(context.acting, officer):
        # The same words for an unknown number and another street's officer: nothing about them.
        return [("employee_no", _("No officer of yours has employee number %(no)s.", no=record["employee_no"]))]
    errors: list[tuple[str, str]] = []
    if officer.status == "left":
        errors.append(("employee_no", _("Officer %(no)s has left.", no=officer.employee_no)))
    unreadable = [(key, value) for key, value in record.items() if isinstance(value, Unreadable)]
    errors += [(key, value.message) for key, value in unreadable]
    readable = {key: (None if isinstance(value, Unreadable) else value) for key, value in record.items()}
    entry = _entry(readable, context)
    if record.get("hours") is not None and readable.get("hours") is None:
        entry["hours"] = decimal.Decimal(0)  # reported above; not "negative hours" as well
    errors += [
        (FIELD_COLUMN.get(field, "employee_no"), message)
        for field, message in services.attendance_errors(context.session, entry, officer)
    ]
    name = f"{officer.employee_no} {officer.name}"
    order = {column.key: index for index, column in enumerate(COLUMNS)}
    errors.sort(key=lambda error: order.get(error[0], 0))
    return [(column, _("%(officer)s: %(problem)s", officer=name, problem=message)) for column, message in errors]


def _write(records: list[dict], context: _Context) -> tuple[int, int, int]:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for record in records:
        officer = context.officers[record["employee_no"]]
        try:
            outcome = services.upsert_attendance(
                context.session,
                officer,
                _entry(record, context),
                acting=context.acting,
                existing=context.existing.get(officer.id),
            )
        except DomainError as error:
            label = next((str(c.label) for c in COLUMNS if c.key == FIELD_COLUMN.get(error.field)), "")
            raise RowRejected(record["_row"], label, error.message) from None
        counts[outcome] += 1
    db.session.flush()
    return counts["created"], counts["updated"], counts["unchanged"]


def attendance_import_spec(session: TrainingSession, acting) -> ImportSpec:
    return ImportSpec(
        name="attendance",
        columns=COLUMNS,
        key="employee_no",
        prepare=lambda: _Context(session, acting),
        check=_check,
        write=_write,
    )
