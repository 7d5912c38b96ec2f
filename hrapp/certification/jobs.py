"""Scheduled certification work (registered in hrapp.scheduler.JOBS)."""

from __future__ import annotations


def annual_steps(app) -> None:
    """Early January: grant last year's annual steps. Idempotent, so a rerun is harmless."""
    from hrapp.certification.services import grant_annual_steps
    from hrapp.core.db import today

    run = grant_annual_steps(today().year - 1, acting=None)
    app.logger.info("annual steps: %s granted", run.granted if run else 0)
