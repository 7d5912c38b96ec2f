"""Task registry, starting work, running it on a worker, and reporting progress.

Rules:
- A task kind is a plain function `fn(params, progress) -> dict` registered with `register_task`.
  It works in chunks; each `progress.advance()` commits the chunk with the progress, so a task that
  is interrupted keeps what it finished and, run again, must skip it (the function's duty: upsert,
  or select only what is not done yet). Re-running a finished task does nothing.
- `start()` records a queued run (a service: it flushes); the caller commits, then `enqueue()`s.
- A run holds a lease while it works and renews it with each progress report, so a message
  delivered twice (acks_late after a worker died) is not worked on twice at once; a run whose lease
  lapsed is resumed by `resume_interrupted()` (at worker start and every few minutes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import traceback
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from hrapp.core.audit import reset_actor, set_actor
from hrapp.core.db import utcnow
from hrapp.core.i18n import N_, label_msgid
from hrapp.core.locks import job_lock, renew
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.tasks.models import TaskRun

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class TaskKind:
    name: str
    label: Any
    function: Callable[[dict, Progress], dict | None]


TASKS: dict[str, TaskKind] = {}
EXECUTE = "hrapp.tasks.execute"


def register_task(name: str, label) -> Callable:
    def decorator(function):
        TASKS[name] = TaskKind(name, label, function)
        return function

    return decorator


def bind(celery, app) -> None:
    """Define the one Celery task that runs any TaskRun, and resume interrupted runs at worker start."""
    from celery.signals import worker_ready

    celery.task(name=EXECUTE)(execute_run)

    def resume_on_start(sender=None, **kwargs):
        with app.app_context():
            resumed = resume_interrupted()
            if resumed:
                log.info("resumed %d interrupted task runs", resumed)

    worker_ready.connect(resume_on_start, weak=False, dispatch_uid="hrapp.tasks.resume_on_start")


def _send(run_id: int) -> None:
    current_app.extensions["celery"].tasks[EXECUTE].apply_async(args=[run_id], retry=False)


class Progress:
    """How far a task got. In a worker it writes the TaskRun row (and commits the chunk); from the
    command line it drives a click progress bar; in a plain call it does nothing but count."""

    def __init__(self, run: TaskRun | None = None, *, bar=None):
        self.run = run
        self.bar = bar
        self.done = run.done if run is not None else 0
        self.total: int | None = run.total if run is not None else None

    def start(self, total: int | None, step: str = "") -> None:
        self.total = total
        if self.bar is not None and total is not None:
            self.bar.length = total
        self._save(step)

    def advance(self, n: int = 1, step: str | None = None) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        self._save(step)

    def _save(self, step: str | None) -> None:
        if self.run is None:
            db.session.commit() if self.bar is not None else None
            return
        self.run.done, self.run.total = self.done, self.total
        if step is not None:
            self.run.step = str(step)[:200]
        self.run.heartbeat_at = utcnow()
        renew(_lease_name(self.run.id), _lease_ttl())
        db.session.commit()


def _lease_name(run_id: int) -> str:
    return f"task:{run_id}"


def _lease_ttl() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config["TASK_LEASE_SECONDS"])


def start(kind: str, params: dict, *, acting) -> TaskRun:
    if kind not in TASKS:
        raise DomainError(str(_l("Unknown kind of background work.")))
    run = TaskRun(kind=kind, params=params, status="queued", created_by_id=getattr(acting, "id", None))
    db.session.add(run)
    db.session.flush()
    return run


def enqueue(run: TaskRun) -> bool:
    """Hand a committed run to the broker. If the broker cannot be reached the run stays queued and
    `resume_interrupted` sends it later; the page says so instead of failing."""
    try:
        _send(run.id)
        return True
    except Exception:  # broker down: kombu raises OperationalError and friends
        log.exception("could not enqueue task run %s", run.id)
        return False


def execute_run(run_id: int) -> None:
    """Body of the Celery task: run a TaskRun to its end, once."""
    run = db.session.get(TaskRun, run_id)
    if run is None or run.finished:
        return
    kind = TASKS.get(run.kind)
    with job_lock(_lease_name(run_id), ttl=_lease_ttl()) as acquired:
        if not acquired:
            log.info("task run %s is being worked on elsewhere", run_id)
            return
        run = db.session.get(TaskRun, run_id)
        if run is None or run.finished:
            return
        run.status = "running"
        run.started_at = run.started_at or utcnow()
        run.heartbeat_at = utcnow()
        run.attempts += 1
        db.session.commit()
        token = set_actor(run.created_by_id, f"task:{run.kind}")
        try:
            if kind is None:
                raise RuntimeError(f"unknown task kind {run.kind}")
            result = kind.function(dict(run.params or {}), Progress(run))
        except Exception as error:
            db.session.rollback()
            run = db.session.get(TaskRun, run_id)
            run.status, run.finished_at = "failed", utcnow()
            run.error = _error_text(error)
            _notify_finished(run)
            db.session.commit()
            log.exception("task run %s failed", run_id)
            return
        finally:
            reset_actor(token)
        run = db.session.get(TaskRun, run_id)
        run.status, run.finished_at, run.result = "succeeded", utcnow(), result or {}
        if run.total is not None:
            run.done = run.total
        _notify_finished(run)
        db.session.commit()


def run_inline(kind: str, params: dict, *, bar=None) -> dict:
    """Run a task kind in this process (the CLI path): the same function, a terminal progress bar."""
    return TASKS[kind].function(params, Progress(bar=bar)) or {}


def resume_interrupted(now: dt.datetime | None = None) -> int:
    """Send again every run that was interrupted (its lease lapsed while running) or never reached
    a worker (queued for longer than the lease). Idempotent: a run already being worked on is left
    alone by its lease."""
    now = now or utcnow()
    stale = now - _lease_ttl()
    run_ids = list(
        db.session.scalars(
            sa.select(TaskRun.id).where(
                sa.or_(
                    sa.and_(TaskRun.status == "running", TaskRun.heartbeat_at < stale),
                    sa.and_(TaskRun.status == "queued", TaskRun.created_at < stale),
                )
            )
        )
    )
    for run_id in run_ids:
        _send(run_id)
    return len(run_ids)


def _error_text(error: Exception) -> str:
    if isinstance(error, DomainError):
        return error.message
    return "".join(traceback.format_exception_only(type(error), error)).strip()[:2000]


def _notify_finished(run: TaskRun) -> None:
    from hrapp.notifications.services import notify

    if run.created_by_id is None:
        return
    label = TASKS[run.kind].label if run.kind in TASKS else run.kind
    if run.status == "succeeded":
        message = N_("Background work finished: %(label)s.")
    else:
        message = N_("Background work failed: %(label)s.")
    notify(
        [run.created_by_id],
        kind="task",
        message=message,
        params={"label": label_msgid(label)},
        link=f"/tasks/{run.id}",
        key=f"task:{run.id}",
    )
