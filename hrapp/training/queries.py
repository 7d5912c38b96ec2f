"""Read side of training: attendance and hours of an officer, course and session lists, the
attendance roster, expiring certificates. Every officer-related list is filtered by
`officer_scope` of the acting user."""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from hrapp.core.permissions import officer_scope
from hrapp.extensions import db
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Grid
from hrapp.training.models import Attendance, Course, TrainingSession


def attendance_of(officer_id: int, limit: int = 50) -> list[Attendance]:
    return list(
        db.session.scalars(
            sa.select(Attendance)
            .options(joinedload(Attendance.session).joinedload(TrainingSession.course))
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(Attendance.officer_id == officer_id)
            .order_by(TrainingSession.held_on.desc())
            .limit(limit)
        )
    )


def hours_by_year(officer_id: int, hired_on: dt.date, on: dt.date) -> list[tuple[int, decimal.Decimal]]:
    """Training hours per calendar year, newest first, for every year of service from the hire
    year to `on`'s year: a year without training shows 0, since that is the shortfall a clerk
    looks for (hours recorded outside those years are listed too)."""
    year = sa.extract("year", TrainingSession.held_on)
    rows = db.session.execute(
        sa.select(year.label("year"), sa.func.sum(Attendance.hours))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(Attendance.officer_id == officer_id)
        .group_by(year)
    ).all()
    tenth = decimal.Decimal("0.1")
    # Rounded to the column's tenth of an hour: SQLite sums the numeric column as floats.
    hours = {int(row[0]): decimal.Decimal(str(row[1] or 0)).quantize(tenth) for row in rows}
    years = set(range(hired_on.year, on.year + 1)) | set(hours)
    return [(y, hours.get(y, decimal.Decimal(0).quantize(tenth))) for y in sorted(years, reverse=True)]


def courses(q: str = "", category: str = ""):
    stmt = sa.select(Course).order_by(Course.code)
    if q:
        stmt = stmt.where(sa.or_(Course.code.startswith(q, autoescape=True), Course.title.contains(q, autoescape=True)))
    if category:
        stmt = stmt.where(Course.category == category)
    return stmt


def sessions(q: str = "", course_id: int | None = None):
    attendees = (
        sa.select(sa.func.count(Attendance.id))
        .where(Attendance.session_id == TrainingSession.id)
        .correlate(TrainingSession)
        .scalar_subquery()
    )
    stmt = (
        sa.select(TrainingSession, Course, attendees.label("attendees"))
        .join(Course, Course.id == TrainingSession.course_id)
        .order_by(TrainingSession.held_on.desc(), TrainingSession.code)
    )
    if q:
        stmt = stmt.where(
            sa.or_(
                TrainingSession.code.startswith(q, autoescape=True),
                Course.title.contains(q, autoescape=True),
                TrainingSession.place.contains(q, autoescape=True),
            )
        )
    if course_id:
        stmt = stmt.where(TrainingSession.course_id == course_id)
    return stmt


def session_attendance(user, session_id: int):
    return (
        sa.select(Attendance, Officer)
        .join(Officer, Officer.id == Attendance.officer_id)
        .where(Attendance.session_id == session_id, officer_scope(user, Officer))
        .order_by(Officer.employee_no)
    )


def roster(user, on: dt.date, *, street_id: int | None, community_id: int | None) -> list[Officer]:
    """Officers for the bulk attendance page: a street's or a community's (by current grid), who
    were already hired on the session date `on`."""
    stmt = sa.select(Officer).where(officer_scope(user, Officer), Officer.status != "left", Officer.hire_date <= on)
    if community_id:
        in_community = (
            sa.select(Posting.id)
            .join(Grid, Grid.id == Posting.grid_id)
            .where(Posting.officer_id == Officer.id, Grid.community_id == community_id)
            .where(Posting.is_primary.is_(True), Posting.valid_on(on))
        )
        stmt = stmt.where(in_community.exists())
    elif street_id:
        stmt = stmt.where(Officer.street_id == street_id)
    else:
        return []
    return list(db.session.scalars(stmt.order_by(Officer.employee_no).limit(500)))


def expiring_certificates(user, on: dt.date, days: int = 90):
    """Certificates expiring between `on` and `on + days`, soonest first."""
    return (
        sa.select(Attendance, Officer, TrainingSession, Course)
        .join(Officer, Officer.id == Attendance.officer_id)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .where(
            officer_scope(user, Officer),
            Officer.status != "left",
            Attendance.certificate_expires >= on,
            Attendance.certificate_expires <= on + dt.timedelta(days=days),
        )
        .order_by(Attendance.certificate_expires, Officer.employee_no)
    )
