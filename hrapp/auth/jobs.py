"""Scheduled account work (registered in hrapp.scheduler.JOBS)."""

from __future__ import annotations

import datetime as dt


def forget_old_login_attempts(app) -> dict:
    """Nightly: drop login attempts older than LOGIN_ATTEMPTS_KEEP_DAYS. The throttle and the
    administrators' page look back a day; older rows stay only for a later investigation."""
    from hrapp.auth.throttle import forget_before
    from hrapp.core.db import utcnow

    removed = forget_before(utcnow() - dt.timedelta(days=app.config["LOGIN_ATTEMPTS_KEEP_DAYS"]))
    return {"removed": removed}
