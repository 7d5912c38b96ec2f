"""Training: courses, sessions, attendance (hours, exam results, certificates)."""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrapp.core.audit import Audited, officer_page, record_page
from hrapp.core.db import TimestampMixin
from hrapp.extensions import db

COURSE_CATEGORIES = {
    "induction": _l("Induction (岗前培训)"),
    "policy": _l("Policy and law (政策法规)"),
    "collection": _l("Information collection (信息采集)"),
    "mediation": _l("Dispute mediation (矛盾调解)"),
    "safety": _l("Safety hazard checks (安全隐患排查)"),
    "digital": _l("Digital tools (数字化工具)"),
    "integrity": _l("Integrity education (廉政教育)"),
    "other": _l("Other"),
}


class Course(Audited, TimestampMixin, db.Model):
    __tablename__ = "courses"
    __audit_label__ = _l("Course")
    __audit_title__ = "title"
    __audit_link__ = record_page("training.course_edit", "course_id")
    __audit_choices__ = {"category": COURSE_CATEGORIES}
    __audit_fields__ = {
        "code": _l("Code"),
        "title": _l("Title"),
        "category": _l("Category"),
        "hours": _l("Hours"),
        "is_exam": _l("Ends with an exam"),
        "pass_score": _l("Pass score"),
        "certificate_months": _l("Certificate valid for (months)"),
        "active": _l("In use"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    category: Mapped[str] = mapped_column(sa.String(20), index=True)
    hours: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(5, 1))
    is_exam: Mapped[bool] = mapped_column(default=False)
    pass_score: Mapped[int | None]
    certificate_months: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (sa.CheckConstraint("hours >= 0", name="hours"),)

    @property
    def category_label(self) -> str:
        return str(COURSE_CATEGORIES.get(self.category, self.category))


class TrainingSession(Audited, TimestampMixin, db.Model):
    __tablename__ = "training_sessions"
    __audit_label__ = _l("Training session")
    __audit_title__ = "code"
    __audit_link__ = record_page("training.session_detail", "session_id")
    __audit_fields__ = {
        "code": _l("Session code"),
        "course_id": _l("Course"),
        "held_on": _l("Date"),
        "place": _l("Place"),
        "trainer": _l("Trainer"),
        "capacity": _l("Capacity"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(sa.String(120), default="")
    trainer: Mapped[str] = mapped_column(sa.String(80), default="")
    capacity: Mapped[int | None]

    course = relationship("Course", lazy="joined")

    __table_args__ = (sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity"),)


class Attendance(Audited, TimestampMixin, db.Model):
    """An officer at a session: hours earned, exam result, certificate."""

    __tablename__ = "attendances"
    __audit_officer__ = "officer_id"
    __audit_label__ = _l("Training attendance")
    __audit_title__ = "session.code"
    __audit_link__ = officer_page("officers.profile")
    __audit_fields__ = {
        "session_id": _l("Training session"),
        "officer_id": _l("Officer"),
        "hours": _l("Hours"),
        "exam_score": _l("Exam score"),
        "passed": _l("Passed"),
        "certificate_no": _l("Certificate no."),
        "certificate_expires": _l("Certificate expires"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id"))
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    hours: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(5, 1))
    exam_score: Mapped[decimal.Decimal | None] = mapped_column(sa.Numeric(5, 1))
    passed: Mapped[bool | None]
    certificate_no: Mapped[str | None] = mapped_column(sa.String(40))
    certificate_expires: Mapped[dt.date | None] = mapped_column(index=True)

    session = relationship("TrainingSession", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("session_id", "officer_id"),
        sa.CheckConstraint("hours >= 0", name="hours"),
        sa.CheckConstraint("exam_score IS NULL OR (exam_score >= 0 AND exam_score <= 100)", name="exam_score"),
    )
