"""Read side of assessments: every lookup goes through the officer scope of the acting user."""

from __future__ import annotations

import sqlalchemy as sa

from hrapp.assessments.models import Assessment, AssessmentAppeal, AssessmentScheme
from hrapp.core.permissions import Role, has_role, officer_scope
from hrapp.extensions import db
from hrapp.officers.models import Officer

# What an officer sees of their own results: issued documents (and those an appeal replaced).
OFFICER_VISIBLE = ("issued", "superseded")


def _scoped(user):
    stmt = sa.select(Assessment).join(Officer, Officer.id == Assessment.officer_id).where(officer_scope(user, Officer))
    if has_role(user, Role.OFFICER):
        stmt = stmt.where(Assessment.status.in_(OFFICER_VISIBLE))
    elif not has_role(user, Role.ADMIN, Role.HR_CLERK):
        stmt = stmt.where(sa.false())
    return stmt


def visible_assessment(user, assessment_id: int) -> Assessment | None:
    return db.session.scalar(_scoped(user).where(Assessment.id == assessment_id))


def visible_appeal(user, appeal_id: int) -> AssessmentAppeal | None:
    record = db.session.get(AssessmentAppeal, appeal_id)
    if record is None or visible_assessment(user, record.assessment_id) is None:
        return None
    return record


def period_page(user, period: str, street_id: int | None = None, page: int = 1):
    """The current version of each officer's result for the period (superseded ones left out)."""
    stmt = _scoped(user).where(Assessment.period == period, Assessment.status != "superseded")
    if street_id is not None:
        stmt = stmt.where(Assessment.street_id == street_id)
    return db.paginate(stmt.order_by(Assessment.score.desc(), Assessment.officer_id), page=page, per_page=50)


def period_summary(user, period: str, street_id: int | None = None) -> dict:
    """Count per grade and status (one GROUP BY)."""
    stmt = (
        sa.select(Assessment.grade, Assessment.status, sa.func.count())
        .join(Officer, Officer.id == Assessment.officer_id)
        .where(officer_scope(user, Officer), Assessment.period == period, Assessment.status != "superseded")
        .group_by(Assessment.grade, Assessment.status)
    )
    if street_id is not None:
        stmt = stmt.where(Assessment.street_id == street_id)
    grades: dict[int, int] = {}
    statuses: dict[str, int] = {}
    for grade, status, count in db.session.execute(stmt):
        grades[grade] = grades.get(grade, 0) + count
        statuses[status] = statuses.get(status, 0) + count
    return {"grades": grades, "statuses": statuses}


def history(assessment: Assessment) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.officer_id == assessment.officer_id, Assessment.period == assessment.period)
            .order_by(Assessment.version)
        )
    )


def appeals_of(assessment_ids) -> list[AssessmentAppeal]:
    return list(
        db.session.scalars(
            sa.select(AssessmentAppeal)
            .where(AssessmentAppeal.assessment_id.in_(list(assessment_ids)))
            .order_by(AssessmentAppeal.id)
        )
    )


def own_results(officer_id: int, limit: int = 12) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.officer_id == officer_id, Assessment.status.in_(OFFICER_VISIBLE))
            .order_by(Assessment.period_start.desc(), Assessment.version.desc())
            .limit(limit)
        )
    )


def schemes() -> list[AssessmentScheme]:
    return list(db.session.scalars(sa.select(AssessmentScheme).order_by(AssessmentScheme.version.desc())))


def pending_for_issue(period: str, street_id: int | None = None) -> sa.Select:
    stmt = sa.select(Assessment.id).where(Assessment.period == period, Assessment.status.in_(("draft", "reviewed")))
    if street_id is not None:
        stmt = stmt.where(Assessment.street_id == street_id)
    return stmt.order_by(Assessment.id)
