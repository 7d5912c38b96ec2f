"""Scheduled certification work (registered in hrapp.scheduler.JOBS)."""

from __future__ import annotations

import functools


def annual_steps(app) -> dict:
    """Early January: grant last year's annual steps. Idempotent, so a rerun is harmless."""
    from hrapp.certification.services import grant_annual_steps
    from hrapp.core.db import today

    run = grant_annual_steps(today().year - 1, acting=None)
    return {"granted": run.granted if run else 0}


# From this month on, an officer below their tier's yearly training hours is reminded monthly.
TRAINING_REMINDER_FROM_MONTH = 7


def training_hours_reminders(app) -> dict:
    """Monthly from July: officers below their tier's yearly training hours, and their HR clerks,
    are told the shortfall. Once per officer and month."""
    from hrapp.certification.queries import below_training_hours
    from hrapp.core.db import today
    from hrapp.core.i18n import N_
    from hrapp.extensions import db
    from hrapp.notifications.services import hr_recipients, notify, officer_accounts

    on = today()
    if on.month < TRAINING_REMINDER_FROM_MONTH:
        return {"officers": 0, "notifications": 0}
    rows = db.session.execute(below_training_hours(on)).all()
    created = 0
    hr_for = functools.cache(hr_recipients)
    accounts = officer_accounts(officer.id for officer, *_ in rows)
    message = N_("%(name)s has %(hours)s of %(required)s training hours this year.")
    for officer, earned_hours, required in rows:
        params = {"name": officer.name, "hours": f"{earned_hours:g}", "required": f"{required:g}"}
        key = f"training-hours:{officer.id}:{on.year}-{on.month:02d}"
        created += notify(
            hr_for(officer.street_id),
            kind="training",
            message=message,
            params=params,
            link=f"/officers/{officer.id}",
            key=key,
        )
        created += notify(accounts[officer.id], kind="training", message=message, params=params, link="/me", key=key)
    return {"officers": len(rows), "notifications": created}
