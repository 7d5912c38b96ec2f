"""Background work on a real Celery worker process, on each broker the deployment uses: Celery's
SQLAlchemy transport on a SQLite file (the embedded default) and Redis (production and CI; set
TEST_CELERY_BROKER_URL, as .ci/run does). No eager mode: the task crosses the broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from hrapp.extensions import db
from hrapp.notifications.models import Notification
from hrapp.tasks import services
from hrapp.tasks.models import TaskRun
from tests import factories
from tests.tasks import sample_tasks  # noqa: F401  (registers tests.count in this process too)

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2


def _brokers():
    yield pytest.param("sqlite", id="sqlalchemy-transport")
    redis_url = os.environ.get("TEST_CELERY_BROKER_URL", "")
    if redis_url.startswith("redis"):
        yield pytest.param(redis_url, id="redis")


@pytest.fixture(params=list(_brokers()))
def worker_setup(request, app, side_app, tmp_path):
    """(app, start_worker): an application whose database a separate worker process can reach
    (PostgreSQL when the suite runs on it, else a SQLite file), on the chosen broker."""
    broker = request.param
    if broker == "sqlite":
        broker = f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"
    else:
        import redis

        redis.Redis.from_url(broker).flushdb()
    database_url = os.environ.get("TEST_DATABASE_URL", "")
    if database_url.startswith("postgresql"):
        target = app
        target.config.update(CELERY_BROKER_URL=broker, TASK_LEASE_SECONDS=LEASE_SECONDS)
        from hrapp.tasks.celery_app import init_celery

        init_celery(target)
    else:
        target = side_app(CELERY_BROKER_URL=broker, TASK_LEASE_SECONDS=LEASE_SECONDS)
        database_url = target.config["SQLALCHEMY_DATABASE_URI"]
    workers: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "HRAPP_CONFIG": "testing",
        "TEST_DATABASE_URL": database_url,
        "HRAPP_WORKER_BROKER_URL": broker,
        "TASK_LEASE_SECONDS": str(LEASE_SECONDS),
        "PYTHONPATH": str(ROOT),
    }

    def start_worker() -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "tests.tasks.worker_app", "worker", "-P", "solo"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
        worker = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        workers.append(worker)
        return worker

    yield target, start_worker
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
    if target is app:
        target.config.update(CELERY_BROKER_URL="memory://")
        from hrapp.tasks.celery_app import init_celery

        init_celery(target)


def _wait_for(app, run_id: int, condition, timeout: float = 60) -> TaskRun:
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            run = db.session.get(TaskRun, run_id)
            db.session.expunge_all()
        if condition(run):
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"task run {run_id} stuck: {run.status} {run.done}/{run.total} {run.error}")
        time.sleep(0.2)


def _start(app, n: int, delay: float):
    with app.app_context():
        user = factories.UserFactory(username="clerk", role="hr_clerk")
        db.session.commit()
        run = services.start("tests.count", {"n": n, "delay": delay, "user_id": user.id}, acting=user)
        db.session.commit()
        assert services.enqueue(run)
        return run.id, user.id


def _items(app, user_id: int) -> list[int]:
    with app.app_context():
        params = db.session.scalars(
            sa.select(Notification.params).where(Notification.user_id == user_id, Notification.kind == "test")
        ).all()
    return sorted(int(p["item"]) for p in params)


def test_a_task_runs_on_a_worker_and_reports_progress_and_result(worker_setup):
    app, start_worker = worker_setup
    run_id, user_id = _start(app, n=5, delay=0.05)
    start_worker()

    run = _wait_for(app, run_id, lambda run: run.finished)

    assert (run.status, run.done, run.total, run.result) == ("succeeded", 5, 5, {"counted": 5})
    assert _items(app, user_id) == [0, 1, 2, 3, 4]
    client = app.test_client()
    with app.app_context():
        user = db.session.get(factories.User, user_id)
        from tests.conftest import sign_in

        sign_in(client, user)
    progress = client.get(f"/tasks/{run_id}/progress").get_json()
    assert progress["finished"] is True and progress["percent"] == 100
    with app.app_context():
        told = db.session.scalar(sa.select(Notification).where(Notification.key == f"task:{run_id}"))
        assert told is not None and told.user_id == user_id


def test_a_killed_worker_is_replaced_and_the_task_completes_without_duplicates(worker_setup):
    app, start_worker = worker_setup
    run_id, user_id = _start(app, n=12, delay=0.25)
    first = start_worker()
    _wait_for(app, run_id, lambda run: run.status == "running" and run.done >= 3)

    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    interrupted = _wait_for(app, run_id, lambda run: True)
    assert interrupted.status == "running" and interrupted.done < 12
    time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's lease lapses
    start_worker()  # resumes interrupted runs when it is ready

    run = _wait_for(app, run_id, lambda run: run.finished)

    assert run.status == "succeeded" and run.attempts == 2
    assert _items(app, user_id) == list(range(12)), "every item exactly once"
