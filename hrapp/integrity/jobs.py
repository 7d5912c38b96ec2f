"""Scheduled integrity work (registered in hrapp.scheduler.JOBS)."""

from __future__ import annotations


def overdue_rectifications(app) -> None:
    """Every morning: rectification notices still open past their deadline become 逾期."""
    from hrapp.core.db import today
    from hrapp.integrity.followup import mark_overdue_rectifications

    app.logger.info("integrity: %d rectification notices overdue", mark_overdue_rectifications(today()))
