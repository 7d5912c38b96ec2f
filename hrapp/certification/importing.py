"""Attendance import for one training session: a row per officer (employee number, hours, exam
score, certificate). Natural key: session + employee number, so re-importing a file changes nothing.
Built on the one import framework (hrapp.core.importing)."""

from __future__ import annotations

import decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hrapp.certification import services
from hrapp.certification.models import Attendance, TrainingSession
from hrapp.core.importing import Column, ImportSpec, RowRejected, parse_date
from hrapp.core.permissions import can_edit_officer
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.officers.models import Officer


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


COLUMNS = [
    Column("employee_no", _l("Employee no."), str.strip, example="FT00001"),
    Column("hours", _l("Hours"), _decimal, required=False, example="8"),
    Column("exam_score", _l("Exam score"), _decimal, required=False, example="85"),
    Column("passed", _l("Passed"), _yes_no, required=False, example="是"),
    Column("certificate_no", _l("Certificate no."), str.strip, required=False, example="ZS-2025-0001"),
    Column("certificate_expires", _l("Certificate expiry"), parse_date, required=False, example="2028-06-30"),
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
    officer = context.officers.get(record["employee_no"])
    if officer is None:
        return [("employee_no", _("Unknown employee number %(no)s.", no=record["employee_no"]))]
    if not can_edit_officer(context.acting, officer):
        return [("employee_no", _("Officer %(no)s belongs to another street.", no=officer.employee_no))]
    if officer.status == "left":
        return [("employee_no", _("Officer %(no)s has left.", no=officer.employee_no))]
    return [
        (FIELD_COLUMN.get(field, "employee_no"), message)
        for field, message in services.attendance_errors(context.session, _entry(record, context), officer)
    ]


def _outcome(record: dict, context: _Context) -> str:
    officer = context.officers[record["employee_no"]]
    existing = context.existing.get(officer.id)
    if existing is None:
        return "created"
    entry = _entry(record, context)
    same = (
        existing.hours == decimal.Decimal(entry["hours"]).quantize(decimal.Decimal("0.1"))
        and existing.exam_score
        == (
            decimal.Decimal(entry["exam_score"]).quantize(decimal.Decimal("0.1"))
            if entry["exam_score"] is not None
            else None
        )
        and existing.passed == services._passed(context.session, entry)
        and existing.certificate_no == (entry["certificate_no"] or None)
        and existing.certificate_expires == entry["certificate_expires"]
    )
    return "unchanged" if same else "updated"


def _plan(records: list[dict], context: _Context) -> tuple[int, int, int]:
    outcomes = [_outcome(record, context) for record in records]
    return outcomes.count("created"), outcomes.count("updated"), outcomes.count("unchanged")


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
        plan=_plan,
        write=_write,
    )
