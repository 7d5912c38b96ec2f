"""Annual step increments: +1 step (up to the tier's maximum) for each officer graded 合格 or better,
once per officer and year. Services flush, never commit."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from hrapp.certification.models import AnnualResult, AnnualStepRun, Tier, TierRecord
from hrapp.certification.services.tiers import QUALIFIED, _require_admin
from hrapp.extensions import db
from hrapp.officers.models import Officer

# --- annual step increments --------------------------------------------------------------------


def annual_step_candidates(grade_year: int, effective_on: dt.date | None = None):
    """Statement of (TierRecord, Officer) that the yearly run for `grade_year` would step up."""
    effective_on = effective_on or dt.date(grade_year + 1, 1, 1)
    stepped = aliased(TierRecord)
    already = sa.select(stepped.id).where(stepped.officer_id == Officer.id, stepped.step_year == grade_year)
    return (
        sa.select(TierRecord, Officer)
        .join(Officer, Officer.id == TierRecord.officer_id)
        .join(Tier, Tier.id == TierRecord.tier_id)
        .join(AnnualResult, sa.and_(AnnualResult.officer_id == Officer.id, AnnualResult.year == grade_year))
        .where(
            TierRecord.effective_to.is_(None),
            TierRecord.effective_from < effective_on,
            TierRecord.step < Tier.max_step,
            AnnualResult.grade >= QUALIFIED,
            Officer.status != "left",
            ~already.exists(),
        )
        .order_by(Officer.employee_no)
    )


def grant_annual_steps(grade_year: int, *, acting, effective_on: dt.date | None = None) -> AnnualStepRun | None:
    """+1 step from `effective_on` (1 January after the grade year) for every officer whose grade
    for `grade_year` is 合格 or better. Officers already stepped for that year are skipped, so a
    second run changes nothing; returns the run, or None when nobody was due."""
    if acting is not None and getattr(acting, "is_authenticated", False):
        _require_admin(acting)
    effective_on = effective_on or dt.date(grade_year + 1, 1, 1)
    granted = 0
    batch = 500
    while True:
        rows = db.session.execute(annual_step_candidates(grade_year, effective_on).limit(batch)).all()
        if not rows:
            break
        for record, _officer in rows:
            # One flush per batch: the unit of work issues the UPDATEs before the INSERTs, so the
            # "one open record per officer" index holds.
            record.effective_to = effective_on
            db.session.add(
                TierRecord(
                    officer_id=record.officer_id,
                    tier_id=record.tier_id,
                    step=record.step + 1,
                    reason="annual_step",
                    step_year=grade_year,
                    effective_from=effective_on,
                    note="",
                )
            )
            granted += 1
        db.session.flush()
    if not granted:
        return None
    run = AnnualStepRun(
        grade_year=grade_year, effective_on=effective_on, granted=granted, run_by_id=getattr(acting, "id", None)
    )
    db.session.add(run)
    db.session.flush()
    return run
