"""Scheduled officer work (registered in hrapp.scheduler.JOBS)."""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa

from hrapp.core.db import today
from hrapp.core.i18n import N_
from hrapp.extensions import db
from hrapp.notifications.services import hr_recipients, notify, officer_accounts
from hrapp.officers.models import Officer

CONTRACT_NOTICE_DAYS = 60


def contract_end_reminders(app) -> dict:
    """Daily: contracts ending within 60 days are announced to HR and to the officer, once per
    officer and end date (a renewed contract with a new end date is announced again in time)."""
    on = today()
    officers = db.session.scalars(
        sa.select(Officer).where(
            Officer.status != "left",
            Officer.contract_end >= on,
            Officer.contract_end <= on + dt.timedelta(days=CONTRACT_NOTICE_DAYS),
        )
    ).all()
    created = 0
    hr_for = functools.cache(hr_recipients)
    accounts = officer_accounts(officer.id for officer in officers)
    message = N_("The contract of %(name)s ends on %(date)s.")
    for officer in officers:
        params = {"name": officer.name, "date": officer.contract_end.isoformat()}
        key = f"contract-end:{officer.id}:{officer.contract_end.isoformat()}"
        created += notify(
            hr_for(officer.street_id),
            kind="contract",
            message=message,
            params=params,
            link=f"/officers/{officer.id}",
            key=key,
        )
        created += notify(accounts[officer.id], kind="contract", message=message, params=params, link="/me", key=key)
    return {"officers": len(officers), "notifications": created}
