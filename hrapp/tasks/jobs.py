"""Task kinds of the tasks package itself, and its scheduled job."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from hrapp.tasks.services import register_task, resume_interrupted


@register_task("jobs.run", _l("Run a scheduled job"))
def run_scheduled_job(params: dict, progress) -> dict:
    """'Run now' on the jobs page: the job runs on a worker, under its lease, recorded as manual."""
    from hrapp.scheduler import JOBS, run_job

    name = params.get("name")
    if name not in JOBS:
        raise ValueError(f"unknown job {name!r}")
    progress.start(1, name)
    outcome = run_job(current_app._get_current_object(), name, trigger="manual")
    progress.advance(1, name)
    return {"job": name, "outcome": outcome}


def resume_interrupted_runs(app) -> dict:
    """Every few minutes: send again background work whose worker died or whose broker was down."""
    return {"resumed": resume_interrupted()}
