"""The inputs of an assessment, each read in one set-based statement for all officers at once.

Training (hours, tiers, annual results) lives in certification today and will move to the training
package: only the imports of this module change then. Workload measures come from the workload
domain, which registers its source here (assessments never import it): until one is registered the
workload indicators score as "no data" — zero points and a visible note, never full marks.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable

import sqlalchemy as sa

from hrapp.certification.models import AnnualResult, Tier, TierRecord
from hrapp.extensions import db
from hrapp.integrity.queries import officer_findings
from hrapp.training.models import Attendance, TrainingSession

WORKLOAD_MEASURES = (
    "volume",
    "closure_rate",
    "on_time_rate",
    "rework_rate",
    "satisfaction",
    "collection",
    "visits",
    "patrol",
    "workload_index",
)

# What an indicator may read (the workload index only normalises the others).
INDICATOR_MEASURES = tuple(measure for measure in WORKLOAD_MEASURES if measure != "workload_index")

_workload_source: list[Callable] = []
_workload_by_month: list[Callable] = []


def register_workload_measures_source(function: Callable | None, *, by_month: Callable | None = None) -> None:
    """`function(start, end, officer_ids)` returns a select (or rows/mappings) of officer_id and any
    of WORKLOAD_MEASURES over [start, end]: volume (valid event reports), closure_rate,
    on_time_rate, rework_rate, satisfaction (rates 0..1), collection (records collected), visits
    (households visited), patrol (patrol hours), workload_index (the grid's index, 1 = average).
    A measure left out, or an officer without a row, is "no data". None unregisters.

    `by_month(start, end, officer_ids)`, optional, returns rows of officer_id, month ('YYYY-MM'),
    volume and on_time_rate per month: the certificate's chart of case volume and on-time rate."""
    _workload_source.clear()
    _workload_by_month.clear()
    if function is not None:
        _workload_source.append(function)
        if by_month is not None:
            _workload_by_month.append(by_month)


def workload_source_registered() -> bool:
    return bool(_workload_source)


def workload_measures(start: dt.date, end: dt.date, officer_ids: Iterable[int]) -> dict[int, dict]:
    if not _workload_source:
        return {}
    result = _workload_source[0](start, end, list(officer_ids))
    rows = db.session.execute(result).mappings().all() if isinstance(result, sa.Select) else result
    measures = {}
    for row in rows:
        row = dict(row)
        measures[int(row["officer_id"])] = {
            key: decimal.Decimal(str(row[key])) for key in WORKLOAD_MEASURES if row.get(key) is not None
        }
    return measures


def workload_by_month(start: dt.date, end: dt.date, officer_ids: Iterable[int]) -> dict[int, dict[str, dict]]:
    """{officer_id: {'2026-03': {'volume': int, 'on_time_rate': float | None}}}; empty without a source."""
    if not _workload_by_month:
        return {}
    result = _workload_by_month[0](start, end, list(officer_ids))
    rows = db.session.execute(result).mappings().all() if isinstance(result, sa.Select) else result
    months: dict[int, dict[str, dict]] = {}
    for row in rows:
        rate = row.get("on_time_rate")
        months.setdefault(int(row["officer_id"]), {})[str(row["month"])] = {
            "volume": int(row.get("volume") or 0),
            "on_time_rate": None if rate is None else float(rate),
        }
    return months


def training_hours(start: dt.date, end: dt.date, officer_ids: Iterable[int]) -> dict[int, decimal.Decimal]:
    """Hours earned at sessions held in [start, end], per officer (one GROUP BY)."""
    rows = db.session.execute(
        sa.select(Attendance.officer_id, sa.func.sum(Attendance.hours))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(TrainingSession.held_on >= start, TrainingSession.held_on <= end)
        .where(Attendance.officer_id.in_(list(officer_ids)))
        .group_by(Attendance.officer_id)
    ).all()
    return {officer_id: decimal.Decimal(str(hours or 0)) for officer_id, hours in rows}


def tiers_on(on: dt.date, officer_ids: Iterable[int]) -> dict[int, tuple[str, decimal.Decimal]]:
    """(tier code, required training hours per year) of each officer's tier on `on`."""
    rows = db.session.execute(
        sa.select(TierRecord.officer_id, Tier.code, Tier.annual_training_hours)
        .join(Tier, Tier.id == TierRecord.tier_id)
        .where(TierRecord.valid_on(on), TierRecord.officer_id.in_(list(officer_ids)))
    ).all()
    return {officer_id: (code, decimal.Decimal(str(hours or 0))) for officer_id, code, hours in rows}


def integrity_findings(start: dt.date, end: dt.date, officer_ids: Iterable[int]) -> dict[int, list[dict]]:
    """Closed findings in force per responsible officer (integrity's own feed)."""
    findings: dict[int, list[dict]] = {}
    rows = db.session.execute(officer_findings(start, end, list(officer_ids)).order_by("found_on")).mappings()
    for row in rows:
        findings.setdefault(row["officer_id"], []).append(
            {
                "check_number": row["check_number"],
                "code": row["code"],
                "severity": int(row["severity"] or 0),
                "deduction": str(decimal.Decimal(str(row["deduction"] or 0))),
                "found_on": row["found_on"].isoformat() if row["found_on"] else "",
            }
        )
    return findings


def finding_codes() -> tuple[str, ...]:
    """The integrity finding codes a veto may name."""
    from hrapp.integrity.models import FINDING_CODES

    return tuple(FINDING_CODES)


def record_annual_result(officer_id: int, year: int, grade: int, note: str) -> None:
    """Write (or replace) the officer's annual result that the promotion rules read; the audit
    trail keeps the previous value."""
    result = db.session.scalar(
        sa.select(AnnualResult).where(AnnualResult.officer_id == officer_id, AnnualResult.year == year)
    )
    if result is None:
        db.session.add(AnnualResult(officer_id=officer_id, year=year, grade=grade, note=note[:200]))
    else:
        result.grade, result.note = grade, note[:200]
    db.session.flush()
