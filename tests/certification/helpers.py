"""Building blocks for certification tests: the default ladder and rules, tier histories and annual
results, written straight to the session. Courses, sessions and attendance come from
tests.training.helpers (re-exported here for the certification tests that need them)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hrapp.certification import services
from hrapp.certification.models import AnnualResult, PromotionCase, Tier, TierRecord
from hrapp.extensions import db
from tests.training.helpers import attend, course, session, trained  # noqa: F401


def ladder() -> dict[str, Tier]:
    """The default tiers and promotion rules (idempotent)."""
    services.ensure_defaults()
    return {tier.code: tier for tier in db.session.scalars(sa.select(Tier))}


def history(officer, *periods) -> list[TierRecord]:
    """periods: (tier code, start[, step]) in order; each ends when the next starts."""
    tiers = ladder()
    records = []
    for index, period in enumerate(periods):
        code, start, *rest = period
        end = periods[index + 1][1] if index + 1 < len(periods) else None
        reason = "hire" if index == 0 else "promotion"
        record = TierRecord(
            officer_id=officer.id,
            tier_id=tiers[code].id,
            step=rest[0] if rest else 1,
            reason=reason,
            effective_from=start,
            effective_to=end,
        )
        db.session.add(record)
        records.append(record)
    db.session.flush()
    return records


def grades(officer, **by_year) -> None:
    """grades(officer, y2024=3, y2023=4)"""
    for key, grade in by_year.items():
        db.session.add(AnnualResult(officer_id=officer.id, year=int(key[1:]), grade=grade))
    db.session.flush()


def submitted_case(world) -> PromotionCase:
    """A promotion case of world.officer awaiting a decision (for the route × role matrix)."""
    tiers = ladder()
    if services.tier_on(world.officer.id, dt.date(2026, 1, 1)) is None:
        history(world.officer, ("junior", dt.date(2018, 3, 1)))
    case = PromotionCase(
        officer_id=world.officer.id,
        kind="promotion",
        status="submitted",
        from_tier_id=tiers["junior"].id,
        from_step=1,
        to_tier_id=tiers["intermediate"].id,
        to_step=1,
        effective_on=dt.date(2026, 1, 1),
        reason="测试",
        snapshot={},
        proposed_by_id=world.hr.id,
    )
    db.session.add(case)
    db.session.commit()
    return case


def factories_officer(street):
    from tests import factories

    return factories.OfficerFactory(street=street, hire_date=dt.date(2015, 1, 1))
