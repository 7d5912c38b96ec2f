"""Building blocks for assessment tests: a fake workload source with hand-set figures, schemes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from hrapp.assessments import scoring, services, sources
from hrapp.assessments.models import Assessment
from hrapp.extensions import db

# An officer on an average grid (index 1) who reaches every target of the default scheme in a month.
FULL = {
    "volume": 40,
    "closure_rate": "0.95",
    "on_time_rate": "0.97",
    "rework_rate": "0.02",
    "satisfaction": "0.96",
    "collection": 100,
    "visits": 30,
    "patrol": 60,
    "workload_index": 1,
}


class FakeWorkload:
    """Registered as the workload measures source: figures per officer id, the calls it received."""

    def __init__(self, figures: dict[int, dict]):
        self.figures = figures
        self.calls: list[tuple] = []

    def __call__(self, start, end, officer_ids):
        self.calls.append((start, end, sorted(officer_ids)))
        return [{"officer_id": oid, **values} for oid, values in self.figures.items() if oid in officer_ids]


def workload(figures: dict[int, dict]) -> FakeWorkload:
    source = FakeWorkload(figures)
    sources.register_workload_measures_source(source)
    return source


def default_scheme(effective_from=dt.date(2020, 1, 1), cap: bool = False):
    """The default scheme, approved; without the 优秀 cap unless asked (a cohort of two officers
    may hold no 优秀 at all under a 20 % cap, which would hide what most tests look at)."""
    definition = dict(scoring.DEFAULT_DEFINITION)
    if not cap:
        definition["excellent_cap_percent"] = None
    scheme = services.create_scheme("默认考核方案", effective_from, definition)
    services.approve_scheme(scheme)
    return scheme


def D(value) -> Decimal:  # noqa: N802
    return Decimal(str(value))


def result(officer, period="2025-05", version=None) -> Assessment | None:
    """The officer's latest version for the period."""
    stmt = sa.select(Assessment).where(Assessment.officer_id == officer.id, Assessment.period == period)
    if version is not None:
        stmt = stmt.where(Assessment.version == version)
    return db.session.scalars(stmt.order_by(Assessment.version.desc())).first()
