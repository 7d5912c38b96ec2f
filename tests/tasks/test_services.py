"""Task runs without a worker: the body a worker executes, leases, resumption, job-run history."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hrapp import scheduler
from hrapp.core.db import utcnow
from hrapp.core.locks import JobLock, acquire
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.notifications.models import Notification
from hrapp.officers.models import Officer
from hrapp.tasks import services
from hrapp.tasks.models import JobRun, TaskRun
from tests import factories
from tests.tasks import sample_tasks  # noqa: F401


@pytest.fixture
def clerk():
    user = factories.UserFactory(username="clerk", role="hr_clerk")
    db.session.commit()
    return user


def _run(clerk, n=3) -> TaskRun:
    run = services.start("tests.count", {"n": n, "user_id": clerk.id}, acting=clerk)
    db.session.commit()
    return run


def test_start_records_a_queued_run_and_refuses_unknown_kinds(clerk):
    run = _run(clerk)
    assert (run.status, run.done, run.created_by_id) == ("queued", 0, clerk.id)
    with pytest.raises(DomainError):
        services.start("no.such.kind", {}, acting=clerk)


def test_executing_a_run_records_progress_result_and_tells_its_starter(clerk):
    run = _run(clerk, n=4)

    services.execute_run(run.id)

    run = db.session.get(TaskRun, run.id)
    assert (run.status, run.done, run.total, run.attempts) == ("succeeded", 4, 4, 1)
    assert run.result == {"counted": 4} and run.finished_at is not None
    notice = db.session.scalar(sa.select(Notification).where(Notification.key == f"task:{run.id}"))
    assert notice.user_id == clerk.id and notice.link == f"/tasks/{run.id}"


def test_a_finished_run_delivered_again_does_nothing(clerk):
    run = _run(clerk, n=2)
    services.execute_run(run.id)
    services.execute_run(run.id)

    assert db.session.get(TaskRun, run.id).attempts == 1
    items = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(Notification.kind == "test"))
    assert items == 2


def test_a_run_whose_lease_is_held_elsewhere_is_not_worked_on(clerk):
    run = _run(clerk)
    db.session.add(JobLock(name=f"task:{run.id}", holder="other:1", locked_until=utcnow() + dt.timedelta(minutes=5)))
    db.session.commit()

    services.execute_run(run.id)

    assert db.session.get(TaskRun, run.id).status == "queued"


def test_a_failing_task_is_rolled_back_and_recorded(clerk, monkeypatch):
    def explode(params, progress):
        db.session.add(factories.OfficerFactory.build(name="半途"))
        db.session.flush()
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(services.TASKS, "tests.explode", services.TaskKind("tests.explode", "Explode", explode))
    run = services.start("tests.explode", {}, acting=clerk)
    db.session.commit()

    services.execute_run(run.id)

    run = db.session.get(TaskRun, run.id)
    assert run.status == "failed" and "disk on fire" in run.error
    assert db.session.scalar(sa.select(sa.func.count(Officer.id)).where(Officer.name == "半途")) == 0


def test_resume_sends_interrupted_and_stranded_runs_but_not_live_ones(clerk, app, monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(services, "_send", sent.append)
    lease = dt.timedelta(seconds=app.config["TASK_LEASE_SECONDS"])
    now = utcnow()
    interrupted = TaskRun(
        kind="tests.count", status="running", heartbeat_at=now - 2 * lease, created_at=now - lease * 3
    )
    live = TaskRun(kind="tests.count", status="running", heartbeat_at=now, created_at=now - lease * 3)
    stranded = TaskRun(kind="tests.count", status="queued", created_at=now - 2 * lease)
    fresh = TaskRun(kind="tests.count", status="queued", created_at=now)
    finished = TaskRun(kind="tests.count", status="succeeded", created_at=now - 5 * lease)
    db.session.add_all([interrupted, live, stranded, fresh, finished])
    db.session.commit()

    assert services.resume_interrupted(now) == 2
    assert sorted(sent) == sorted([interrupted.id, stranded.id])


def test_a_job_run_is_recorded_with_its_counts(app, monkeypatch):
    monkeypatch.setitem(scheduler.JOBS, "tests.ok", (lambda app: {"checked": 7}, {"trigger": "cron", "hour": 1}))

    assert scheduler.run_job(app, "tests.ok") == "succeeded"

    run = db.session.scalar(sa.select(JobRun).where(JobRun.job == "tests.ok"))
    assert (run.outcome, run.counts, run.trigger) == ("succeeded", {"checked": 7}, "schedule")
    assert run.finished_at >= run.started_at


def test_a_failed_job_is_rolled_back_and_its_error_kept(app, monkeypatch):
    def failing(app):
        db.session.add(factories.OfficerFactory.build(name="半途"))
        db.session.flush()
        raise ValueError("bad period")

    monkeypatch.setitem(scheduler.JOBS, "tests.failing", (failing, {"trigger": "cron", "hour": 1}))

    assert scheduler.run_job(app, "tests.failing") == "failed"

    run = db.session.scalar(sa.select(JobRun).where(JobRun.job == "tests.failing"))
    assert run.outcome == "failed" and "bad period" in run.error
    assert db.session.scalar(sa.select(sa.func.count(Officer.id)).where(Officer.name == "半途")) == 0


def test_a_second_concurrent_run_of_a_job_is_skipped_and_recorded(app, monkeypatch):
    calls = []
    monkeypatch.setitem(scheduler.JOBS, "tests.once", (lambda app: calls.append(1), {"trigger": "cron", "hour": 1}))
    assert acquire("tests.once", dt.timedelta(minutes=5))  # another scheduler holds the lease

    assert scheduler.run_job(app, "tests.once") == "skipped"

    assert calls == []
    assert db.session.scalar(sa.select(JobRun.outcome).where(JobRun.job == "tests.once")) == "skipped"


def test_next_run_time_follows_the_trigger_in_shanghai_time():
    from zoneinfo import ZoneInfo

    now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert scheduler.next_run_time("certification.annual_steps", now).strftime("%Y-%m-%d %H:%M") == "2027-01-05 02:00"
    assert scheduler.next_run_time("officers.contract_end_reminders", now).strftime("%Y-%m-%d %H:%M") == (
        "2026-12-01 06:30"
    )
