"""Scheduled jobs. `flask jobs run` starts the one scheduler process; create_app never does.

JOBS maps a name to (callable, trigger kwargs). Each job runs inside an app context, owns its
commit, takes a database lease so that a second scheduler started by mistake does nothing, and
leaves a `JobRun` row whatever happens (succeeded with its counts, failed with its error, or
skipped because the lease was held). A job function takes the app and may return a dict of counts.
Every job is idempotent: run twice for the same period, the second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback

from flask import Flask

from hrapp.auth.jobs import forget_old_login_attempts
from hrapp.certification.jobs import annual_steps, training_hours_reminders
from hrapp.core.import_page import sweep_expired_uploads
from hrapp.integrity.jobs import monthly_draw, rectification_deadlines
from hrapp.officers.jobs import contract_end_reminders
from hrapp.pay.jobs import funding_roll_forward
from hrapp.tasks.jobs import resume_interrupted_runs
from hrapp.training.jobs import certificate_reminders

log = logging.getLogger(__name__)
TIMEZONE = "Asia/Shanghai"

# name -> (function(app), APScheduler trigger arguments). Domains add their jobs here.
JOBS: dict[str, tuple] = {}
JOBS["auth.forget_old_login_attempts"] = (forget_old_login_attempts, {"trigger": "cron", "hour": 3, "minute": 30})
JOBS["certification.annual_steps"] = (annual_steps, {"trigger": "cron", "month": 1, "day": 5, "hour": 2})
JOBS["training.certificate_reminders"] = (certificate_reminders, {"trigger": "cron", "hour": 6, "minute": 10})
JOBS["certification.training_hours_reminders"] = (
    training_hours_reminders,
    {"trigger": "cron", "day": 1, "hour": 6, "minute": 20},
)
JOBS["officers.contract_end_reminders"] = (contract_end_reminders, {"trigger": "cron", "hour": 6, "minute": 30})
JOBS["tasks.resume_interrupted"] = (resume_interrupted_runs, {"trigger": "interval", "minutes": 5})
JOBS["core.sweep_uploads"] = (sweep_expired_uploads, {"trigger": "interval", "minutes": 30})
JOBS["integrity.rectification_deadlines"] = (rectification_deadlines, {"trigger": "cron", "hour": 1, "minute": 10})
JOBS["integrity.monthly_draw"] = (monthly_draw, {"trigger": "cron", "day": 25, "hour": 2})
JOBS["pay.funding_roll_forward"] = (funding_roll_forward, {"trigger": "cron", "month": 12, "day": 1, "hour": 3})


def run_job(app: Flask, name: str, *, trigger: str = "schedule") -> str:
    """Run one job under its lease and record the run; returns the outcome."""
    from hrapp.core.audit import reset_actor, set_actor
    from hrapp.core.db import utcnow
    from hrapp.core.locks import job_lock
    from hrapp.extensions import db
    from hrapp.tasks.models import JobRun

    function, _trigger = JOBS[name]
    with app.app_context():
        token = set_actor(None, f"job:{name}")
        try:
            with job_lock(name) as acquired:
                if not acquired:
                    log.info("job %s is running elsewhere; skipped", name)
                    db.session.add(JobRun(job=name, trigger=trigger, outcome="skipped", finished_at=utcnow()))
                    db.session.commit()
                    return "skipped"
                job_run = JobRun(job=name, trigger=trigger, outcome="running")
                db.session.add(job_run)
                db.session.commit()
                run_id = job_run.id
                # Roll back inside the lease: releasing it commits, which must not carry half a job.
                try:
                    counts = function(app)
                    job_run.outcome, job_run.finished_at = "succeeded", utcnow()
                    job_run.counts = counts if isinstance(counts, dict) else None
                    db.session.commit()
                    return "succeeded"
                except Exception as error:
                    db.session.rollback()
                    log.exception("job %s failed", name)
                    job_run = db.session.get(JobRun, run_id)
                    job_run.outcome, job_run.finished_at = "failed", utcnow()
                    job_run.error = "".join(traceback.format_exception(error))[-4000:]
                    db.session.commit()
                    return "failed"
        finally:
            reset_actor(token)


def next_run_time(name: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the scheduler will next start the job (aware, Asia/Shanghai)."""
    from zoneinfo import ZoneInfo

    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    _function, trigger = JOBS[name]
    arguments = {key: value for key, value in trigger.items() if key != "trigger"}
    zone = ZoneInfo(TIMEZONE)
    now = now or dt.datetime.now(zone)
    if trigger["trigger"] == "cron":
        return CronTrigger(timezone=zone, **arguments).get_next_fire_time(None, now)
    if trigger["trigger"] == "interval":
        return IntervalTrigger(timezone=zone, **arguments).get_next_fire_time(None, now)
    return None


def build_scheduler(app: Flask):
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone=TIMEZONE)
    for name, (_function, trigger) in JOBS.items():
        scheduler.add_job(run_job, args=(app, name), id=name, replace_existing=True, coalesce=True, **trigger)
    return scheduler
