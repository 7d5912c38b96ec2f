"""The scheduler: a registry of jobs, each run under a database lease so a second scheduler is harmless."""

from __future__ import annotations

import datetime as dt

import pytest

from hrapp import scheduler
from hrapp.core import locks
from hrapp.core.audit import AuditEvent
from hrapp.core.locks import JobLock
from hrapp.extensions import db
from hrapp.org.models import District


def test_a_lease_is_exclusive_until_released_or_expired():
    assert locks.acquire("nightly", dt.timedelta(minutes=5)) is True
    assert locks.acquire("nightly", dt.timedelta(minutes=5)) is False
    locks.release("nightly")
    assert locks.acquire("nightly", dt.timedelta(minutes=5)) is True
    # A crashed holder's lease runs out: backdate it and another process takes over.
    lease = db.session.get(JobLock, "nightly")
    lease.locked_until = dt.datetime(2000, 1, 1)
    db.session.commit()
    assert locks.acquire("nightly", dt.timedelta(minutes=5)) is True


@pytest.fixture
def registered_job(monkeypatch):
    calls = []

    def job(app):
        calls.append(app)
        db.session.add(District(code="JOB", name="作业区"))

    monkeypatch.setitem(scheduler.JOBS, "test.job", (job, {"trigger": "interval", "hours": 1}))
    return calls


def test_run_job_commits_the_jobs_work_and_names_the_job_as_actor(app, registered_job):
    scheduler.run_job(app, "test.job")
    assert len(registered_job) == 1
    db.session.remove()
    assert db.session.query(District).filter_by(code="JOB").count() == 1
    event = db.session.query(AuditEvent).filter_by(entity="districts").one()
    assert event.actor_name == "job:test.job"


def test_run_job_does_nothing_while_another_process_holds_the_lease(app, registered_job):
    assert locks.acquire("test.job", dt.timedelta(minutes=5))
    scheduler.run_job(app, "test.job")
    assert registered_job == []
    assert db.session.query(District).filter_by(code="JOB").count() == 0


def test_a_failing_job_rolls_back_and_releases_its_lease(app, monkeypatch):
    def broken(app):
        db.session.add(District(code="HALF", name="半途"))
        db.session.flush()
        raise RuntimeError("boom")

    monkeypatch.setitem(scheduler.JOBS, "test.broken", (broken, {"trigger": "interval", "hours": 1}))
    scheduler.run_job(app, "test.broken")
    db.session.remove()
    assert db.session.query(District).filter_by(code="HALF").count() == 0
    assert locks.acquire("test.broken", dt.timedelta(minutes=5)) is True


def test_build_scheduler_schedules_every_registered_job(app):
    built = scheduler.build_scheduler(app)
    assert {job.id for job in built.get_jobs()} == set(scheduler.JOBS)
    assert "certification.annual_steps" in scheduler.JOBS
