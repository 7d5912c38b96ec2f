"""The funding roll-forward: next year's allocations prepared once, from this year's headcounts."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hrapp.extensions import db
from hrapp.notifications.models import Notification
from hrapp.pay import jobs
from hrapp.pay.models import FundingAllocation


def test_next_years_allocations_are_prepared_once_and_district_hr_is_told(app, world, monkeypatch):
    monkeypatch.setattr(jobs, "today", lambda: dt.date(2026, 12, 1))
    db.session.add_all(
        [
            FundingAllocation(street_id=world.street.id, year=2026, budgeted_headcount=150),
            FundingAllocation(street_id=world.other_street.id, year=2026, budgeted_headcount=120),
            FundingAllocation(street_id=world.other_street.id, year=2027, budgeted_headcount=130),  # planned already
        ]
    )
    db.session.commit()

    assert jobs.funding_roll_forward(app) == {"prepared": 1}
    db.session.commit()
    assert jobs.funding_roll_forward(app) == {"prepared": 0}

    next_year = dict(
        db.session.execute(
            sa.select(FundingAllocation.street_id, FundingAllocation.budgeted_headcount).where(
                FundingAllocation.year == 2027
            )
        ).all()
    )
    assert next_year == {world.street.id: 150, world.other_street.id: 130}
    told = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "funding")).all()
    assert told == [world.hr.id]  # district HR only, once
