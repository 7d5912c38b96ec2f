"""Workload's anomaly signals feed the integrity draw: a flagged officer weighs more."""

from __future__ import annotations

import datetime as dt

from flask_babel import force_locale

from hrapp.core.staged_import import run_staged_import
from hrapp.extensions import db
from hrapp.integrity import risk
from hrapp.workload.importing import case_import_spec
from hrapp.workload.risk_signals import SOURCE_NAME, anomaly_score
from tests.workload.helpers import case_row, csv_file, with_defaults

DRAW_STARTS = dt.date(2026, 5, 1)


def _closed_within_minutes(world, count: int):
    """`count` cases the officer reported and closed themself, each within minutes of its report."""
    rows = [
        case_row(
            world,
            number,
            reported_at=f"2026-03-{number + 1:02d} 09:00:00",
            accepted_at=f"2026-03-{number + 1:02d} 09:01:00",
            dispatched_at=f"2026-03-{number + 1:02d} 09:02:00",
            handled_at=f"2026-03-{number + 1:02d} 09:03:00",
            closed_at=f"2026-03-{number + 1:02d} 09:05:00",
        )
        for number in range(1, count + 1)
    ]
    with force_locale("en"):
        report = run_staged_import(
            case_import_spec(with_defaults(), db.session), csv_file(rows), "c.csv", dry_run=False
        )
    assert report.ok, report.errors
    db.session.commit()


def test_create_app_registers_the_anomaly_signals_with_the_draw(side_app):
    side_app()
    assert risk.RISK_SIGNAL_SOURCES[SOURCE_NAME] is anomaly_score


def test_a_flagged_officers_draw_weight_rises(world, monkeypatch):
    monkeypatch.setitem(risk.RISK_SIGNAL_SOURCES, SOURCE_NAME, anomaly_score)
    pool = [world.officer.id, world.stranger.id]
    before = risk.risk_factors(pool, DRAW_STARTS)
    _closed_within_minutes(world, 12)

    after = risk.risk_factors(pool, DRAW_STARTS)

    # Fast closures and self-report-self-close: two of the three flags.
    assert after[world.officer.id]["signals"] == {SOURCE_NAME: 2 / 3}
    assert after[world.officer.id]["weight"] == round(before[world.officer.id]["weight"] + 5 * 2 / 3, 4)
    assert after[world.stranger.id] == before[world.stranger.id]


def test_too_few_closures_or_closures_after_the_draw_starts_raise_nothing(world, monkeypatch):
    _closed_within_minutes(world, 5)
    assert anomaly_score([world.officer.id], DRAW_STARTS) == {}
    _closed_within_minutes(world, 12)
    assert anomaly_score([world.officer.id], dt.date(2026, 3, 1)) == {}
    assert anomaly_score([world.officer.id], DRAW_STARTS) == {world.officer.id: 2 / 3}
