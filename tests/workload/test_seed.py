"""`flask seed demo` gives workload pages real content: a year of cases with rates in the ranges
DOMAIN.md quotes, daily work records, and a suspicious officer the anomaly signals flag."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hrapp.auth.models import User
from hrapp.core.db import today
from hrapp.extensions import db
from hrapp.workload import anomalies, queries
from hrapp.workload.models import Case, WorkRecord


def test_seed_demo_adds_a_year_of_cases_and_work_records(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--officers", "60", "--password", "demo-pass-1"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 60 * 400
    assert db.session.scalar(sa.select(sa.func.count(WorkRecord.id))) > 60 * 200
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    end = today().replace(day=1)
    start = (end - dt.timedelta(days=300)).replace(day=1)
    district = _sum(queries.street_measures(admin, start, end))
    assert 0.93 <= district.closure_rate <= 0.9999
    assert 0.75 <= district.on_time_rate <= 0.998
    assert district.rework_rate < 0.005
    flagged = [signal for signal in anomalies.anomaly_signals(start, end) if "fast_closures" in signal.flags]
    assert flagged, "the demo's suspicious officer is flagged"
    trend = queries.officer_trend(flagged[0].officer_id, 12, end)
    assert sum(m.volume for m in trend) > 0


def _sum(rows):
    total = queries.Measures()
    for m in rows:
        for name in ("volume", "closed", "on_time", "reworked", "rated", "satisfied"):
            setattr(total, name, getattr(total, name) + getattr(m, name))
    return total
