"""Workload's anomaly signals as a risk signal of the integrity draw.

Integrity offers `register_risk_signal_source(name, fn)` and never imports workload; this module is
the one place workload touches integrity (its registration function only), called from create_app.
"""

from __future__ import annotations

import datetime as dt

from hrapp.core.dates import add_months
from hrapp.workload.anomalies import anomaly_signals

SOURCE_NAME = "workload"
LOOKBACK_MONTHS = 3  # the closures read: the three months before the drawn period starts
FLAG_COUNT = 3  # fast closures, end-of-period burst, self-report-self-close
IN_LIST_LIMIT = 1000  # a larger pool is filtered here rather than in an IN list


def anomaly_score(officer_ids: list[int], on: dt.date) -> dict[int, float]:
    """fn(officer_ids, on) -> {officer_id: score in [0, 1]}: the share of the anomaly flags an
    officer raised over the LOOKBACK_MONTHS months before `on`; officers without a flag are left out."""
    wanted = set(officer_ids)
    signals = anomaly_signals(
        add_months(on, -LOOKBACK_MONTHS), on, officer_ids if len(wanted) <= IN_LIST_LIMIT else None
    )
    return {
        signal.officer_id: len(signal.flags) / FLAG_COUNT
        for signal in signals
        if signal.officer_id in wanted and signal.flags
    }


def register_risk_signals() -> None:
    from hrapp.integrity.risk import register_risk_signal_source

    register_risk_signal_source(SOURCE_NAME, anomaly_score)
