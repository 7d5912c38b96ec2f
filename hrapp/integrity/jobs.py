"""Scheduled integrity work (registered in hrapp.scheduler.JOBS). Each job is idempotent: a rerun
for the same day or period changes nothing. Notifications respect the compartment: an officer
hears of a rectification only once its check is closed (its result is then theirs to see);
inspectors hear of everything in their compartment."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hrapp.auth.models import User
from hrapp.core.db import today
from hrapp.core.i18n import N_
from hrapp.core.permissions import Role
from hrapp.extensions import db
from hrapp.notifications.services import notify, officer_accounts

RECTIFICATION_NOTICE_DAYS = 7
# The monthly draw: how many targets are drawn purely at random (deterrence) and by risk.
DRAW_RANDOM_COUNT = 5
DRAW_WEIGHTED_COUNT = 10


def _inspectors() -> list[int]:
    return list(db.session.scalars(sa.select(User.id).where(User.role == Role.INSPECTOR, User.active.is_(True))))


def _inspectors_of(check_id: int) -> list[int]:
    from hrapp.integrity.models import CheckInspector

    return list(db.session.scalars(sa.select(CheckInspector.user_id).where(CheckInspector.check_id == check_id)))


def rectification_deadlines(app) -> dict:
    """Every morning: notices past their deadline become 逾期; owners of notices due within a week
    or overdue are reminded, and the check's inspectors are told of each notice that became overdue."""
    from hrapp.integrity.followup import mark_overdue_rectifications
    from hrapp.integrity.models import Check, Rectification

    on = today()
    overdue = mark_overdue_rectifications(on)
    rows = db.session.execute(
        sa.select(Rectification, Check.status)
        .join(Check, Check.id == Rectification.check_id)
        .where(
            Rectification.status.in_(("pending", "in_progress", "failed", "overdue")),
            Rectification.deadline <= on + dt.timedelta(days=RECTIFICATION_NOTICE_DAYS),
        )
    ).all()
    accounts = officer_accounts(item.owner_officer_id for item, _status in rows if item.owner_officer_id)
    created = 0
    for item, check_status in rows:
        params = {"notice": item.notice_no, "date": item.deadline.isoformat()}
        if item.status == "overdue":
            created += notify(
                _inspectors_of(item.check_id),
                kind="rectification",
                message=N_("Rectification notice %(notice)s is overdue (deadline %(date)s)."),
                params=params,
                link=f"/integrity/checks/{item.check_id}",
                key=f"rectification-overdue:{item.id}:{item.deadline.isoformat()}",
            )
        if item.owner_officer_id and check_status == "closed":
            created += notify(
                accounts.get(item.owner_officer_id, []),
                kind="rectification",
                message=N_("Rectification notice %(notice)s is due by %(date)s."),
                params=params,
                link=f"/integrity/checks/{item.check_id}",
                key=f"rectification-due:{item.id}:{item.deadline.isoformat()}:{item.status}",
            )
    return {"overdue": overdue, "reminded": len(rows), "notifications": created}


def monthly_draw(app) -> dict:
    """On the 25th: draw next month's targets (district-wide), once per month, and tell the
    inspectors. A draw an inspector ran by hand for the same month is left as the month's draw."""
    from hrapp.core.dates import add_months
    from hrapp.integrity.models import Draw
    from hrapp.integrity.risk import run_draw

    on = today()
    start = add_months(on.replace(day=1), 1)
    end = add_months(start, 1) - dt.timedelta(days=1)
    if db.session.scalar(sa.select(Draw.id).where(Draw.period_start == start, Draw.street_id.is_(None)).limit(1)):
        return {"drawn": 0}
    draw = run_draw(
        {
            "period_start": start,
            "period_end": end,
            "random_count": DRAW_RANDOM_COUNT,
            "weighted_count": DRAW_WEIGHTED_COUNT,
        },
        acting=None,
    )
    notify(
        _inspectors(),
        kind="draw",
        message=N_("The draw of targets for %(month)s is ready."),
        params={"month": start.strftime("%Y-%m")},
        link=f"/integrity/draws/{draw.id}",
        key=f"draw:{start.isoformat()}",
    )
    return {"drawn": len(draw.picks)}
