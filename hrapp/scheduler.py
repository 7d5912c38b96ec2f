"""Scheduled jobs. `flask jobs run` starts the one scheduler process; create_app never does.

JOBS maps a name to (callable, trigger kwargs). Each job runs inside an app context, owns its
commit, and takes a database lock row so that a second scheduler started by mistake does nothing.
"""

from __future__ import annotations

import logging

from flask import Flask

from hrapp.certification.jobs import annual_steps
from hrapp.integrity.jobs import overdue_rectifications

log = logging.getLogger(__name__)

# name -> (function(app), APScheduler trigger arguments). Domains add their jobs here.
JOBS: dict[str, tuple] = {}
JOBS["certification.annual_steps"] = (annual_steps, {"trigger": "cron", "month": 1, "day": 5, "hour": 2})
JOBS["integrity.overdue_rectifications"] = (overdue_rectifications, {"trigger": "cron", "hour": 1, "minute": 10})


def run_job(app: Flask, name: str) -> None:
    from hrapp.core.audit import reset_actor, set_actor
    from hrapp.core.locks import job_lock
    from hrapp.extensions import db

    function, _trigger = JOBS[name]
    with app.app_context():
        token = set_actor(None, f"job:{name}")
        try:
            with job_lock(name) as acquired:
                if not acquired:
                    log.info("job %s is running elsewhere; skipped", name)
                    return
                # Roll back inside the lease: releasing it commits, which must not carry half a job.
                try:
                    function(app)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    log.exception("job %s failed", name)
        finally:
            reset_actor(token)


def build_scheduler(app: Flask):
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone="Asia/Shanghai")
    for name, (_function, trigger) in JOBS.items():
        scheduler.add_job(run_job, args=(app, name), id=name, replace_existing=True, coalesce=True, **trigger)
    return scheduler
