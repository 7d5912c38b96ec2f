"""The one place pay reads training certificates. They live in certification today and will move
to the training package: only the import below changes then."""

from __future__ import annotations

import sqlalchemy as sa

from hrapp.training.models import Attendance, TrainingSession


def certificates():
    """Subquery (officer_id, valid_from, valid_until): every certificate an officer earned, valid
    from the session date through its expiry date (NULL: no expiry). A failed exam earns none."""
    return (
        sa.select(
            Attendance.officer_id.label("officer_id"),
            TrainingSession.held_on.label("valid_from"),
            Attendance.certificate_expires.label("valid_until"),
        )
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(Attendance.certificate_no.is_not(None), Attendance.certificate_no != "")
        .where(sa.or_(Attendance.passed.is_(None), Attendance.passed.is_(True)))
        .subquery("certificates")
    )


def valid_certificate_count(officer_id, day):
    """SQL scalar: how many certificates `officer_id` holds that are valid on `day`."""
    held = certificates()
    return (
        sa.select(sa.func.count())
        .select_from(held)
        .where(held.c.officer_id == officer_id, held.c.valid_from <= day)
        .where(sa.or_(held.c.valid_until.is_(None), held.c.valid_until >= day))
        .scalar_subquery()
    )
