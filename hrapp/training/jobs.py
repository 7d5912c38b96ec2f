"""Scheduled training work (registered in hrapp.scheduler.JOBS)."""

from __future__ import annotations

import functools

CERTIFICATE_NOTICE_DAYS = 60


def certificate_reminders(app) -> dict:
    """Daily: tell the officer and their HR clerks about certificates expiring within 60 days.
    Once per certificate and expiry date, so the daily rerun changes nothing."""
    import datetime as dt

    import sqlalchemy as sa

    from hrapp.core.db import today
    from hrapp.core.i18n import N_
    from hrapp.extensions import db
    from hrapp.notifications.services import hr_recipients, notify, officer_accounts
    from hrapp.officers.models import Officer
    from hrapp.training.models import Attendance

    on = today()
    rows = db.session.execute(
        sa.select(Attendance.id, Attendance.certificate_no, Attendance.certificate_expires, Officer)
        .join(Officer, Officer.id == Attendance.officer_id)
        .where(
            Officer.status != "left",
            Attendance.certificate_expires >= on,
            Attendance.certificate_expires <= on + dt.timedelta(days=CERTIFICATE_NOTICE_DAYS),
        )
    ).all()
    created = 0
    hr_for = functools.cache(hr_recipients)
    accounts = officer_accounts(officer.id for *_, officer in rows)
    for attendance_id, number, expires, officer in rows:
        params = {"certificate": number or "", "name": officer.name, "date": expires.isoformat()}
        key = f"certificate-expiry:{attendance_id}:{expires.isoformat()}"
        message = N_("The certificate %(certificate)s of %(name)s expires on %(date)s.")
        created += notify(
            hr_for(officer.street_id),
            kind="certificate",
            message=message,
            params=params,
            link=f"/officers/{officer.id}",
            key=key,
        )
        created += notify(accounts[officer.id], kind="certificate", message=message, params=params, link="/me", key=key)
    return {"certificates": len(rows), "notifications": created}
