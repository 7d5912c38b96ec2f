"""Anomaly signals for the integrity draw: implausibly fast closures, end-of-period bursts and
high self-report-self-close ratios, per officer and period. The integrity domain calls
`anomaly_signals(period_start, period_end)`; nothing here knows about integrity."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from hrapp.extensions import db
from hrapp.workload.models import Case
from hrapp.workload.queries import hours_between, utc_bounds

FAST_CLOSE_MINUTES = 15  # closed within a quarter of an hour of the report: implausible for a field case
BURST_DAYS = 3  # the period's last days, where a rush of closures to meet a target shows
THRESHOLDS = {"fast_share": 0.2, "burst_ratio": 2.5, "self_close_share": 0.9}
MIN_CLOSED = 10  # fewer closures say nothing
REPORT_WINDOW_DAYS = 60


@dataclasses.dataclass
class AnomalySignal:
    officer_id: int
    closed: int
    fast_closures: int
    end_burst: int
    self_closed: int
    period_days: int

    @property
    def fast_share(self) -> float:
        return self.fast_closures / self.closed if self.closed else 0.0

    @property
    def burst_ratio(self) -> float:
        """Closures in the last BURST_DAYS days over what an even pace would give there."""
        expected = self.closed * min(BURST_DAYS, self.period_days) / self.period_days
        return self.end_burst / expected if expected else 0.0

    @property
    def self_close_share(self) -> float:
        return self.self_closed / self.closed if self.closed else 0.0

    @property
    def flags(self) -> list[str]:
        if self.closed < MIN_CLOSED:
            return []
        found = []
        if self.fast_share >= THRESHOLDS["fast_share"]:
            found.append("fast_closures")
        if self.burst_ratio >= THRESHOLDS["burst_ratio"]:
            found.append("end_of_period_burst")
        if self.self_close_share >= THRESHOLDS["self_close_share"]:
            found.append("self_report_self_close")
        return found


def anomaly_signals(period_start: dt.date, period_end: dt.date, officer_ids: list[int] | None = None):
    """Per officer, over cases closed in [period_start, period_end): implausibly fast closures,
    the end-of-period burst and the self-report-self-close ratio, with the flags each raises.
    A plain query function for the integrity draw; one GROUP BY over the period's closures."""
    low, high = utc_bounds(period_start, period_end)
    burst_from = high - dt.timedelta(days=BURST_DAYS)
    count_if = lambda condition: sa.func.sum(sa.case((condition, 1), else_=0))  # noqa: E731
    query = (
        sa.select(
            Case.handler_id,
            sa.func.count(),
            count_if(hours_between(Case.closed_at, Case.reported_at) * 60 < FAST_CLOSE_MINUTES),
            count_if(Case.closed_at >= burst_from),
            count_if(Case.reporter_id == Case.handler_id),
        )
        .where(
            Case.status == "closed",
            # Bounds on the report time let the period's range scan use its index; a case closed
            # more than REPORT_WINDOW_DAYS after its report is left to other checks.
            Case.reported_at >= low - dt.timedelta(days=REPORT_WINDOW_DAYS),
            Case.reported_at < high,
            Case.closed_at >= low,
            Case.closed_at < high,
            Case.handler_id.is_not(None),
        )
        .group_by(Case.handler_id)
        .order_by(Case.handler_id)
    )
    if officer_ids is not None:
        query = query.where(Case.handler_id.in_(officer_ids))
    days = max((period_end - period_start).days, 1)
    return [
        AnomalySignal(officer_id, int(closed), int(fast), int(burst), int(own), days)
        for officer_id, closed, fast, burst, own in db.session.execute(query)
    ]
