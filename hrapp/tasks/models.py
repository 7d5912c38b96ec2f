from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from hrapp.core.db import utcnow
from hrapp.extensions import db

TASK_STATUSES = {
    "queued": _l("Queued"),
    "running": _l("Running"),
    "succeeded": _l("Finished"),
    "failed": _l("Failed"),
}
JOB_OUTCOMES = {
    "running": _l("Running"),
    "succeeded": _l("Succeeded"),
    "failed": _l("Failed"),
    "skipped": _l("Skipped (running elsewhere)"),
}

# What a task's result counts, for people; a task kind may return other keys, shown as they are.
RESULT_LABELS = {
    "job": _l("Job"),
    "outcome": _l("Outcome"),
    "inserted": _l("Inserted"),
    "updated": _l("Updated"),
    "unchanged": _l("Unchanged"),
    "rejected": _l("Rejected"),
    "issued": _l("Issued"),
    "skipped": _l("Skipped"),
    "computed": _l("Computed"),
    "rows": _l("Rows"),
}


class TaskRun(db.Model):
    """One piece of background work: what, for whom, how far it got, and how it ended."""

    __tablename__ = "task_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60), index=True)
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(12), default="queued", index=True)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    step: Mapped[str] = mapped_column(sa.String(200), default="")
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    heartbeat_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]

    created_by = db.relationship("User", lazy="joined")

    __table_args__ = (sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name="status"),)

    @property
    def status_label(self) -> str:
        return str(TASK_STATUSES.get(self.status, self.status))

    def result_lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs of the result for the run's page, download links aside."""
        lines = []
        for key, value in (self.result or {}).items():
            if key == "download":
                continue
            if key == "outcome":
                value = JOB_OUTCOMES.get(value, value)
            lines.append((str(RESULT_LABELS.get(key, key)), str(value)))
        return lines

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed")

    @property
    def percent(self) -> int:
        if self.status == "succeeded":
            return 100
        if not self.total:
            return 0
        return max(0, min(100, int(self.done * 100 / self.total)))


class JobRun(db.Model):
    """One run of a scheduled job, whatever its outcome."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(80), index=True)
    trigger: Mapped[str] = mapped_column(sa.String(20), default="schedule")
    outcome: Mapped[str] = mapped_column(sa.String(12), default="running")
    counts: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[dt.datetime | None]

    __table_args__ = (
        sa.CheckConstraint("outcome IN ('running', 'succeeded', 'failed', 'skipped')", name="outcome"),
        sa.CheckConstraint("trigger IN ('schedule', 'manual')", name="trigger"),
    )

    @property
    def outcome_label(self) -> str:
        return str(JOB_OUTCOMES.get(self.outcome, self.outcome))
