"""Training rules (state changes): the course catalogue, sessions and attendance (upsert on
session + officer). Services flush, never commit."""

from __future__ import annotations

import decimal
from collections.abc import Collection

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.core.permissions import Role, can_edit_officer, has_role
from hrapp.errors import DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.officers.models import Officer
from hrapp.training import hooks
from hrapp.training.models import COURSE_CATEGORIES, Attendance, Course, TrainingSession


def _require_editor(acting, officer: Officer) -> None:
    if not can_edit_officer(acting, officer):
        raise PermissionDenied(_("You may not edit this officer."))


def course_errors(values: dict, *, exclude_id: int | None = None) -> list[tuple[str, str]]:
    errors = []
    code = (values.get("code") or "").strip()
    if not code:
        errors.append(("code", _("A code is required.")))
    else:
        stmt = sa.select(Course.id).where(Course.code == code)
        if exclude_id:
            stmt = stmt.where(Course.id != exclude_id)
        if db.session.scalar(stmt) is not None:
            errors.append(("code", _("Course code %(code)s is already used.", code=code)))
    if values.get("category") not in COURSE_CATEGORIES:
        errors.append(("category", _("Unknown course category.")))
    if values.get("hours") is None or values["hours"] < 0:
        errors.append(("hours", _("Hours cannot be negative.")))
    if values.get("is_exam") and values.get("pass_score") is None:
        errors.append(("pass_score", _("An exam needs a pass score.")))
    return errors


def _can_manage_courses(acting) -> bool:
    return has_role(acting, Role.ADMIN) or (has_role(acting, Role.HR_CLERK) and acting.street_id is None)


def save_course(course: Course | None, values: dict, *, acting) -> Course:
    """Create or change a course (district reference data: administrators and district HR)."""
    if not _can_manage_courses(acting):
        raise PermissionDenied(_("Only district HR manages the course catalogue."))
    errors = course_errors(values, exclude_id=course.id if course else None)
    if errors:
        raise DomainError(errors[0][1], field=errors[0][0])
    if course is None:
        course = Course()
        db.session.add(course)
    course.code = values["code"].strip()
    course.title = values["title"].strip()
    course.category = values["category"]
    course.hours = decimal.Decimal(values["hours"])
    course.is_exam = bool(values.get("is_exam"))
    course.pass_score = values.get("pass_score") if course.is_exam else None
    course.certificate_months = values.get("certificate_months")
    course.active = values.get("active", True)
    db.session.flush()
    hooks.assign_course_tiers(course, values.get("mandatory_tier_ids") or [])
    return course


def create_session(values: dict, *, acting) -> TrainingSession:
    if not has_role(acting, Role.ADMIN, Role.HR_CLERK):
        raise PermissionDenied(_("Only HR staff record training sessions."))
    course = db.session.get(Course, values.get("course_id") or 0)
    if course is None:
        raise DomainError(_("Choose a course."), field="course_id")
    held_on = values["held_on"]
    code = (values.get("code") or "").strip() or f"{course.code}-{held_on:%Y%m%d}"
    base, number = code, 1
    while db.session.scalar(sa.select(TrainingSession.id).where(TrainingSession.code == code)) is not None:
        if values.get("code"):
            raise DomainError(_("Session code %(code)s is already used.", code=code), field="code")
        number += 1
        code = f"{base}-{number}"
    capacity = values.get("capacity")
    if capacity is not None and capacity <= 0:
        raise DomainError(_("Capacity must be positive."), field="capacity")
    session = TrainingSession(
        code=code,
        course_id=course.id,
        held_on=held_on,
        place=values.get("place") or "",
        trainer=values.get("trainer") or "",
        capacity=capacity,
    )
    db.session.add(session)
    db.session.flush()
    return session


def attendance_errors(session: TrainingSession, entry: dict, officer: Officer | None = None) -> list[tuple[str, str]]:
    """Rules for one officer's attendance, shared by the bulk page and the import."""
    errors = []
    if officer is not None and session.held_on < officer.hire_date:
        errors.append(
            (
                "officer",
                _(
                    "%(name)s was hired on %(date)s, after this session.",
                    name=officer.name,
                    date=officer.hire_date.isoformat(),
                ),
            )
        )
    hours = entry.get("hours")
    if hours is None or hours < 0:
        errors.append(("hours", _("Hours cannot be negative.")))
    elif hours > 100:
        errors.append(("hours", _("More than 100 hours for one session is not plausible.")))
    score = entry.get("exam_score")
    if score is not None and not 0 <= score <= 100:
        errors.append(("exam_score", _("A score is between 0 and 100.")))
    if score is not None and not session.course.is_exam:
        errors.append(("exam_score", _("This course has no exam.")))
    expires = entry.get("certificate_expires")
    if expires is not None and expires <= session.held_on:
        errors.append(("certificate_expires", _("The certificate must expire after the session.")))
    return errors


def _passed(session: TrainingSession, entry: dict) -> bool | None:
    if entry.get("passed") is not None:
        return entry["passed"]
    if not session.course.is_exam or entry.get("exam_score") is None:
        return None
    return entry["exam_score"] >= (session.course.pass_score or 0)


def upsert_attendance(session: TrainingSession, officer: Officer, entry: dict, *, acting, existing=None) -> str:
    """Create or update one attendance; returns 'created', 'updated' or 'unchanged'."""
    _require_editor(acting, officer)
    errors = attendance_errors(session, entry, officer)
    if errors:
        raise DomainError(errors[0][1], field=errors[0][0])
    if existing is None:
        existing = db.session.scalar(
            sa.select(Attendance).where(Attendance.session_id == session.id, Attendance.officer_id == officer.id)
        )
    values = {
        "hours": decimal.Decimal(entry["hours"]).quantize(decimal.Decimal("0.1")),
        "exam_score": decimal.Decimal(entry["exam_score"]).quantize(decimal.Decimal("0.1"))
        if entry.get("exam_score") is not None
        else None,
        "passed": _passed(session, entry),
        "certificate_no": entry.get("certificate_no") or None,
        "certificate_expires": entry.get("certificate_expires"),
    }
    if existing is None:
        db.session.add(Attendance(session_id=session.id, officer_id=officer.id, **values))
        return "created"
    if all(getattr(existing, key) == value for key, value in values.items()):
        return "unchanged"
    for key, value in values.items():
        setattr(existing, key, value)
    return "updated"


class AttendanceRefused(DomainError):
    """The bulk page's entries break rules: `problems` lists every one as (officer id, field,
    message naming the officer), so the page can show them all next to what the clerk typed."""

    def __init__(self, problems: list[tuple[int | None, str, str]]):
        super().__init__(" ".join(message for _officer, _field, message in problems))
        self.problems = problems


class RemovalNotConfirmed(DomainError):
    """Unticked officers have a record of this session: it is removed only if the clerk confirms
    each of them by name (`officers`)."""

    def __init__(self, officers: list[Officer]):
        names = ", ".join(f"{officer.employee_no} {officer.name}" for officer in officers)
        super().__init__(_("These officers are unticked and would lose their attendance: %(names)s.", names=names))
        self.officers = officers


def record_session_attendance(
    session: TrainingSession, entries: dict[int, dict | None], *, acting, remove: Collection[int] = ()
) -> tuple[int, int, int, int]:
    """The bulk page: officer id → entry (present) or None (absent). An absent officer's existing
    record is removed only if their id is in `remove` (the clerk confirmed it by name); otherwise
    RemovalNotConfirmed lists them. All or nothing: every problem of every entry is reported at
    once (AttendanceRefused). Returns (created, updated, unchanged, removed)."""
    officers = {
        officer.id: officer for officer in db.session.scalars(sa.select(Officer).where(Officer.id.in_(list(entries))))
    }
    existing = {
        row.officer_id: row
        for row in db.session.scalars(
            sa.select(Attendance).where(Attendance.session_id == session.id, Attendance.officer_id.in_(list(entries)))
        )
    }
    present = sum(1 for entry in entries.values() if entry is not None)
    if session.capacity is not None:
        others = db.session.scalar(
            sa.select(sa.func.count(Attendance.id)).where(
                Attendance.session_id == session.id, Attendance.officer_id.not_in(list(entries))
            )
        )
        if others + present > session.capacity:
            raise DomainError(_("The session holds %(capacity)d people.", capacity=session.capacity))
    problems: list[tuple[int | None, str, str]] = []
    unconfirmed: list[Officer] = []
    for officer_id, entry in entries.items():
        officer = officers.get(officer_id)
        if officer is None:
            problems.append((None, "officer", _("Unknown officer.")))
            continue
        _require_editor(acting, officer)
        if entry is None:
            if officer_id in existing and officer_id not in remove:
                unconfirmed.append(officer)
            continue
        name = f"{officer.employee_no} {officer.name}"
        problems += [
            (officer_id, field, _("%(officer)s: %(problem)s", officer=name, problem=message))
            for field, message in attendance_errors(session, entry, officer)
        ]
    if problems:
        raise AttendanceRefused(problems)
    if unconfirmed:
        raise RemovalNotConfirmed(unconfirmed)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "removed": 0}
    for officer_id, entry in entries.items():
        officer = officers[officer_id]
        if entry is None:
            if officer_id in existing:
                db.session.delete(existing[officer_id])
                counts["removed"] += 1
            continue
        outcome = upsert_attendance(session, officer, entry, acting=acting, existing=existing.get(officer_id))
        counts[outcome] += 1
    db.session.flush()
    return counts["created"], counts["updated"], counts["unchanged"], counts["removed"]
