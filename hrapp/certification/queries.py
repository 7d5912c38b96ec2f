"""Read side of certification: timelines, training summaries, candidates, completion, lists.
Every officer-related list is filtered by `officer_scope` of the acting user."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from hrapp.certification import rules
from hrapp.certification.models import (
    TIER_LABELS,
    AnnualResult,
    PromotionCase,
    PromotionRuleSet,
    Tier,
    TierRecord,
    course_mandatory_tiers,
)
from hrapp.core.dates import add_months
from hrapp.core.permissions import officer_scope
from hrapp.extensions import db
from hrapp.officers import hooks as officer_hooks
from hrapp.officers.models import Officer
from hrapp.org.models import Street
from hrapp.training.models import Attendance, Course, TrainingSession


def current_tier_rows(on: dt.date) -> sa.Select:
    """(officer_id, ordinal, code, step) of the tier each officer holds on `on` (records of an
    officer never overlap: one row at most per officer)."""
    return (
        sa.select(
            TierRecord.officer_id.label("officer_id"),
            Tier.ordinal.label("ordinal"),
            Tier.code.label("code"),
            TierRecord.step.label("step"),
        )
        .join(Tier, Tier.id == TierRecord.tier_id)
        .where(TierRecord.valid_on(on))
    )


officer_hooks.register_tier_source(
    officer_hooks.TierSource(current=current_tier_rows, label=lambda code: str(TIER_LABELS.get(code, code)))
)


def tiers() -> list[Tier]:
    return list(db.session.scalars(sa.select(Tier).order_by(Tier.ordinal)))


def timeline(officer_id: int) -> list[TierRecord]:
    return list(
        db.session.scalars(
            sa.select(TierRecord).where(TierRecord.officer_id == officer_id).order_by(TierRecord.effective_from.desc())
        )
    )


def annual_results(officer_id: int) -> list[AnnualResult]:
    return list(
        db.session.scalars(
            sa.select(AnnualResult).where(AnnualResult.officer_id == officer_id).order_by(AnnualResult.year.desc())
        )
    )


def rule_sets(target_tier_id: int | None = None) -> list[PromotionRuleSet]:
    stmt = sa.select(PromotionRuleSet).join(Tier, Tier.id == PromotionRuleSet.target_tier_id)
    if target_tier_id:
        stmt = stmt.where(PromotionRuleSet.target_tier_id == target_tier_id)
    return list(db.session.scalars(stmt.order_by(Tier.ordinal, PromotionRuleSet.version.desc())))


# --- candidates --------------------------------------------------------------------------------


@dataclasses.dataclass
class Candidates:
    """Both lists sorted, as light rows (`rules.Candidate`); `details` gives the evidence of the
    rows a page shows."""

    eligible: list[rules.Candidate]
    upcoming: list[rules.Candidate]
    evaluated: int


def candidates(user, on: dt.date, *, street_id: int | None = None, months: int = 6, q: str = "") -> Candidates:
    """Officers in scope eligible for their next tier on `on`, and the near-misses: not eligible,
    but with their tenure (years of service / in tier) reached within `months` months, listed with
    what they still miss (training hours, exam, grades, integrity), the closest first. The filter
    runs in SQL (`rules.shortlist`): a fixed number of queries, and only the kept officers reach
    Python."""
    condition = sa.and_(officer_scope(user, Officer), Officer.status != "left")
    if street_id:
        condition = sa.and_(condition, Officer.street_id == street_id)
    if q:
        condition = sa.and_(
            condition,
            sa.or_(Officer.name.contains(q, autoescape=True), Officer.employee_no.startswith(q, autoescape=True)),
        )
    kept, evaluated = rules.shortlist(condition, on, add_months(on, months))
    eligible = sorted(
        (item for item in kept if item.eligible),
        key=lambda item: (-item.tier_ordinal, item.tier_since, item.employee_no),
    )
    upcoming = sorted(
        (item for item in kept if not item.eligible),
        key=lambda item: (item.missing, item.tenure_reached_on or on, item.employee_no),
    )
    return Candidates(eligible=eligible, upcoming=upcoming, evaluated=evaluated)


def candidate_details(items: list[rules.Candidate], on: dt.date) -> list[rules.Eligibility]:
    """The full evaluation, criterion by criterion, of the candidates shown (a page), in order: the
    same fixed number of queries for any page size."""
    if not items:
        return []
    results = rules.evaluate(Officer.id.in_([item.officer_id for item in items]), on)
    return [results[item.officer_id] for item in items if item.officer_id in results]


def completion_by_street(user, on: dt.date) -> list[dict]:
    """Per street: (officer, mandatory course of the officer's current tier) pairs and how many
    are done (attended, and passed if the course is an exam). One GROUP BY query."""
    done = (
        sa.select(Attendance.officer_id, TrainingSession.course_id)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .where(TrainingSession.held_on <= on, sa.or_(Course.is_exam.is_(False), Attendance.passed.is_(True)))
        .distinct()
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Street.id,
            Street.name,
            sa.func.count().label("required"),
            sa.func.count(done.c.officer_id).label("completed"),
            sa.func.count(sa.distinct(Officer.id)).label("officers"),
        )
        .select_from(Officer)
        .join(Street, Street.id == Officer.street_id)
        .join(TierRecord, sa.and_(TierRecord.officer_id == Officer.id, TierRecord.valid_on(on)))
        .join(course_mandatory_tiers, course_mandatory_tiers.c.tier_id == TierRecord.tier_id)
        .join(Course, sa.and_(Course.id == course_mandatory_tiers.c.course_id, Course.active.is_(True)))
        .outerjoin(
            done, sa.and_(done.c.officer_id == Officer.id, done.c.course_id == course_mandatory_tiers.c.course_id)
        )
        .where(officer_scope(user, Officer), Officer.status != "left")
        .group_by(Street.id, Street.name)
        .order_by(Street.name)
    ).all()
    return [
        {
            "street_id": row.id,
            "street": row.name,
            "officers": row.officers,
            "required": row.required,
            "completed": row.completed,
            "rate": (row.completed / row.required) if row.required else None,
        }
        for row in rows
    ]


def cases(user, status: str = "", q: str = ""):
    stmt = (
        sa.select(PromotionCase)
        .join(Officer, Officer.id == PromotionCase.officer_id)
        .where(officer_scope(user, Officer))
        .order_by(PromotionCase.id.desc())
    )
    if status:
        stmt = stmt.where(PromotionCase.status == status)
    if q:
        stmt = stmt.where(
            sa.or_(Officer.name.contains(q, autoescape=True), Officer.employee_no.startswith(q, autoescape=True))
        )
    return stmt


def changes_in_progress(officer_ids: list[int], on: dt.date) -> dict[int, PromotionCase]:
    """Officer id → the tier change already under way on `on`: a case awaiting a decision, or an
    approved one taking effect after `on` (the tier on record changes only then). One query; the
    latest case per officer wins. Pages show it instead of offering to propose the change again."""
    if not officer_ids:
        return {}
    rows = db.session.scalars(
        sa.select(PromotionCase)
        .where(
            PromotionCase.officer_id.in_(officer_ids),
            sa.or_(
                PromotionCase.status == "submitted",
                sa.and_(PromotionCase.status == "approved", PromotionCase.effective_on > on),
            ),
        )
        .order_by(PromotionCase.id)
    ).all()
    return {case.officer_id: case for case in rows}


def visible_case(user, case_id: int) -> PromotionCase | None:
    return db.session.scalar(
        sa.select(PromotionCase)
        .join(Officer, Officer.id == PromotionCase.officer_id)
        .where(PromotionCase.id == case_id, officer_scope(user, Officer))
    )


def officer_cases(officer_id: int) -> list[PromotionCase]:
    return list(
        db.session.scalars(
            sa.select(PromotionCase).where(PromotionCase.officer_id == officer_id).order_by(PromotionCase.id.desc())
        )
    )


def below_training_hours(on: dt.date, user=None):
    """Active officers whose training hours this calendar year, up to `on`, are below their current
    tier's yearly requirement: a select of (Officer, earned, required). Scoped to `user` when given
    (pages); the reminder job looks at everyone."""
    earned_this_year = (
        sa.select(Attendance.officer_id, sa.func.sum(Attendance.hours).label("hours"))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(TrainingSession.held_on >= on.replace(month=1, day=1), TrainingSession.held_on <= on)
        .group_by(Attendance.officer_id)
        .subquery()
    )
    earned = sa.func.coalesce(earned_this_year.c.hours, 0)
    return (
        sa.select(Officer, earned.label("earned"), Tier.annual_training_hours.label("required"))
        .join(TierRecord, sa.and_(TierRecord.officer_id == Officer.id, TierRecord.valid_on(on)))
        .join(Tier, Tier.id == TierRecord.tier_id)
        .outerjoin(earned_this_year, earned_this_year.c.officer_id == Officer.id)
        .where(officer_scope(user, Officer) if user is not None else sa.true())
        .where(Officer.status == "active", earned < Tier.annual_training_hours)
    )
