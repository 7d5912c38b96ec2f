"""Background work pages: a run's progress (polled by static/tasks.js), the user's runs, and the
administrator's scheduled-jobs page with its run history and 'run now'."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.core.forms import commit_or_refuse
from hrapp.core.i18n import local_time
from hrapp.core.permissions import ALL_ROLES, Role, role_required
from hrapp.extensions import db
from hrapp.scheduler import JOBS, next_run_time
from hrapp.tasks import services
from hrapp.tasks.models import JobRun, TaskRun

bp = Blueprint("tasks", __name__)


def visible_runs(user):
    """Administrators see every run; everyone else the runs they started."""
    stmt = sa.select(TaskRun)
    if user.role != Role.ADMIN:
        stmt = stmt.where(TaskRun.created_by_id == user.id)
    return stmt


def _visible_run_or_404(run_id: int) -> TaskRun:
    run = db.session.scalar(visible_runs(current_user).where(TaskRun.id == run_id))
    if run is None:
        abort(404)
    return run


def progress_json(run: TaskRun) -> dict:
    return {
        "id": run.id,
        "status": run.status,
        "status_label": run.status_label,
        "done": run.done,
        "total": run.total,
        "percent": run.percent,
        "step": run.step,
        "finished": run.finished,
        "result": run.result if run.finished else None,
        "error": run.error if run.status == "failed" else None,
        "finished_at": local_time(run.finished_at),
    }


@bp.route("/tasks")
@role_required(*ALL_ROLES)
def runs():
    stmt = visible_runs(current_user).order_by(TaskRun.created_at.desc(), TaskRun.id.desc())
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("tasks/runs.html", page=page, kinds=services.TASKS)


@bp.route("/tasks/<int:run_id>")
@role_required(*ALL_ROLES)
def run(run_id: int):
    task_run = _visible_run_or_404(run_id)
    return render_template("tasks/run.html", run=task_run, kind=services.TASKS.get(task_run.kind))


@bp.route("/tasks/<int:run_id>/progress")
@role_required(*ALL_ROLES)
def progress(run_id: int):
    return jsonify(progress_json(_visible_run_or_404(run_id)))


@bp.route("/admin/jobs")
@role_required(Role.ADMIN)
def jobs():
    last_runs = {
        run.job: run
        for run in db.session.scalars(
            sa.select(JobRun).where(
                JobRun.id.in_(sa.select(sa.func.max(JobRun.id)).group_by(JobRun.job).scalar_subquery())
            )
        )
    }
    table = [
        {"name": name, "trigger": trigger, "next": next_run_time(name), "last": last_runs.get(name)}
        for name, (_function, trigger) in sorted(JOBS.items())
    ]
    history = db.paginate(
        sa.select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("tasks/jobs.html", jobs=table, history=history)


@bp.route("/admin/jobs/<name>/run", methods=["POST"])
@role_required(Role.ADMIN)
def run_job_now(name: str):
    if name not in JOBS:
        abort(404)
    ok, task_run = commit_or_refuse(None, lambda: services.start("jobs.run", {"name": name}, acting=current_user))
    if not ok:
        return redirect(url_for("tasks.jobs"))
    if not services.enqueue(task_run):
        flash(_("The task queue cannot be reached; the job will start when it is back."), "warning")
    return redirect(url_for("tasks.run", run_id=task_run.id))
