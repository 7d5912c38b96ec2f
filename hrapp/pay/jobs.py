"""Scheduled pay and funding work (registered in hrapp.scheduler.JOBS)."""

from __future__ import annotations

import sqlalchemy as sa

from hrapp.core.db import today
from hrapp.core.i18n import N_
from hrapp.extensions import db
from hrapp.notifications.services import hr_recipients, notify
from hrapp.pay.models import FundingAllocation


def funding_roll_forward(app) -> dict:
    """Each December: next year's street allocations are prepared from this year's budgeted
    headcounts, as drafts for district HR to review (a street that already has next year's row
    keeps it, so a rerun changes nothing); district HR clerks are told."""
    year = today().year
    current = dict(
        db.session.execute(
            sa.select(FundingAllocation.street_id, FundingAllocation.budgeted_headcount).where(
                FundingAllocation.year == year
            )
        ).all()
    )
    planned = set(db.session.scalars(sa.select(FundingAllocation.street_id).where(FundingAllocation.year == year + 1)))
    rows = [
        {"street_id": street_id, "year": year + 1, "budgeted_headcount": headcount, "note": ""}
        for street_id, headcount in sorted(current.items())
        if street_id not in planned
    ]
    for row in rows:
        db.session.add(FundingAllocation(**row))
    db.session.flush()
    if rows:
        notify(
            hr_recipients(None),
            kind="funding",
            message=N_("Allocations for %(year)s were prepared from this year's headcounts; review them."),
            params={"year": year + 1},
            link=f"/funding/{year + 1}",
            key=f"funding-roll-forward:{year + 1}",
        )
    return {"prepared": len(rows)}
