"""The workload measures an assessment scores, read from the workload domain.

Assessments sit above workload, so they read its measures directly; the registration keeps the
scoring code independent of where measures come from (tests register fixtures of their own).
"""

from __future__ import annotations

import datetime as dt

from hrapp.workload.queries import officer_measures, officer_months


def measures(start: dt.date, end: dt.date, officer_ids: list[int]) -> list[dict]:
    """Rows of officer_id and measures over [start, end] (end inclusive, as periods are). A rate
    with nothing to divide (no closed case, no rating) is left out: the indicator reads "no data"."""
    rows = []
    for officer_id, found in officer_measures(
        start, end + dt.timedelta(days=1), officer_ids, close_hours=False
    ).items():
        row = {
            "officer_id": officer_id,
            "volume": found.reported,
            "collection": found.collected,
            "visits": found.visits,
            "patrol": round(found.patrol_minutes / 60, 2),
            "workload_index": found.index,
        }
        for name in ("closure_rate", "on_time_rate", "rework_rate", "satisfaction"):
            value = getattr(found, name)
            if value is not None:
                row[name] = round(value, 6)
        rows.append(row)
    return rows


def measures_by_month(start: dt.date, end: dt.date, officer_ids: list[int]) -> list[dict]:
    """Rows of officer_id, month ('YYYY-MM'), volume (valid reports) and on_time_rate (left out
    when no case closed that month) over [start, end], for the certificate's monthly chart."""
    rows = []
    for (officer_id, month), found in officer_months(start, end + dt.timedelta(days=1), officer_ids).items():
        row = {"officer_id": officer_id, "month": month, "volume": found.reported}
        if found.on_time_rate is not None:
            row["on_time_rate"] = round(found.on_time_rate, 6)
        rows.append(row)
    return rows


def register() -> None:
    from hrapp.assessments.sources import register_workload_measures_source

    register_workload_measures_source(measures, by_month=measures_by_month)
