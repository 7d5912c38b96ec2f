"""Each rate against a hand-computed fixture; grid balance and anomaly signals."""

from __future__ import annotations

import datetime as dt

import pytest

from hrapp.extensions import db
from hrapp.workload import anomalies, queries
from hrapp.workload import balance as grid_balance
from hrapp.workload.models import Case, CaseCategory, CaseSource, WorkRecord
from tests.factories import GridFactory, OfficerFactory, PostingFactory
from tests.workload.helpers import with_defaults

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))


def utc(day, hour, minute=0):
    """A Shanghai time in March 2026 as stored (UTC)."""
    return dt.datetime(2026, 3, day, hour, minute) - dt.timedelta(hours=8)


@pytest.fixture
def refs(world):
    system_id = with_defaults()
    category = db.session.query(CaseCategory).filter_by(code="01-01").one()
    source = db.session.query(CaseSource).filter_by(code="patrol").one()
    return system_id, category.id, source.id


def add_case(refs, number, grid, handler, reporter=None, status="closed", reported=None, closed=None, **extra):
    system_id, category_id, source_id = refs
    reported = reported or utc(2, 10)
    case = Case(
        source_system_id=system_id,
        external_id=f"X{number}",
        category_id=category_id,
        source_id=source_id,
        grid_id=grid.id,
        reporter_id=reporter.id if reporter else None,
        handler_id=handler.id if handler else None,
        status=status,
        reported_at=reported,
        closed_at=closed if closed is not None else (reported + dt.timedelta(hours=4) if status == "closed" else None),
        deadline_at=extra.pop("deadline_at", reported + dt.timedelta(hours=8)),
        **extra,
    )
    db.session.add(case)
    return case


@pytest.fixture
def march(world, refs):
    """Ten cases of world.officer in March (grid world.grid), hand-counted:
    - 1 rejected, 1 merged → volume 8
    - 6 closed (4 h each, one 20 h and late) → closure 6/8, on time 5/6, average (5×4 + 20)/6 h
    - 1 of the closed reworked → rework 1/6
    - ratings: 3 satisfied, 1 average, 1 unsatisfied → satisfaction 3/5
    - 4 reported and handled by the officer → self-handled 4/8
    One case in April and one of the stranger do not count."""
    officer, grid = world.officer, world.grid
    add_case(refs, 1, grid, officer, reporter=officer, rating=3)
    add_case(refs, 2, grid, officer, reporter=officer, rating=3)
    add_case(refs, 3, grid, officer, reporter=officer, rating=3, rework_count=1)
    add_case(refs, 4, grid, officer, reporter=officer, rating=2)
    add_case(refs, 5, grid, officer, rating=1)
    add_case(refs, 6, grid, officer, closed=utc(2, 10) + dt.timedelta(hours=20))
    add_case(refs, 7, grid, officer, status="dispatched")
    add_case(refs, 8, grid, officer, status="handled")
    add_case(refs, 9, grid, officer, status="rejected")
    add_case(refs, 10, grid, officer, status="merged")
    add_case(refs, 11, grid, officer, reported=dt.datetime(2026, 3, 31, 16, 0))  # 1 April 00:00 in Shanghai
    add_case(refs, 12, world.other_grid, world.stranger)
    db.session.add(
        WorkRecord(
            officer_id=officer.id,
            day=dt.date(2026, 3, 3),
            population_items=5,
            housing_items=2,
            visits=3,
            patrol_minutes=120,
        )
    )
    db.session.add(WorkRecord(officer_id=officer.id, day=dt.date(2026, 4, 1), population_items=50, visits=30))
    db.session.commit()


def test_officer_rates_match_the_hand_count(world, march):
    measures = queries.officer_measures(*MARCH)[world.officer.id]
    assert (measures.volume, measures.closed, measures.on_time, measures.reworked) == (8, 6, 5, 1)
    assert measures.closure_rate == pytest.approx(6 / 8)
    assert measures.on_time_rate == pytest.approx(5 / 6)
    assert measures.rework_rate == pytest.approx(1 / 6)
    assert measures.satisfaction == pytest.approx(3 / 5)
    assert measures.self_handled_share == pytest.approx(4 / 8)
    assert measures.average_close_hours == pytest.approx((5 * 4 + 20) / 6)
    assert measures.reported == 4
    assert (measures.collected, measures.visits, measures.patrol_minutes) == (7, 3, 120)


def test_volume_is_normalised_by_the_grids_workload_index(world, march):
    # Make world.grid twice the average of the three grids' 四实 counts on every weight.
    heavy = world.grid
    heavy.population, heavy.housing_units, heavy.entities, heavy.facilities = 2000, 840, 40, 20
    for grid in (world.free_grid, world.other_grid):
        grid.population, grid.housing_units, grid.entities, grid.facilities = 500, 210, 10, 5
    db.session.commit()
    measures = queries.officer_measures(*MARCH)[world.officer.id]
    assert measures.index == pytest.approx(2.0)
    assert measures.normalised_volume == pytest.approx(4.0)


def test_grid_and_street_measures_use_the_same_definitions(world, march):
    grids = queries.grid_measures(world.admin, *MARCH)
    assert grids[world.grid.id].volume == 8 and grids[world.grid.id].on_time == 5
    assert grids[world.other_grid.id].volume == 1
    assert world.other_grid.id not in queries.grid_measures(world.street_hr, *MARCH)
    streets = {m.key: m.volume for m in queries.street_measures(world.street_hr, *MARCH)}
    assert streets == {world.street.id: 8}


def test_officer_trend_has_twelve_months_ending_before_the_given_month(world, march):
    trend = queries.officer_trend(world.officer.id, 12, dt.date(2026, 5, 1))
    assert [m.key for m in trend][:2] == ["2025-05", "2025-06"] and trend[-1].key == "2026-04"
    by_month = {m.key: m for m in trend}
    assert by_month["2026-03"].volume == 8
    assert by_month["2026-04"].volume == 1  # reported 1 April in Shanghai time
    assert by_month["2026-04"].collected == 50


def test_grid_balance_finds_the_outlier_grid(world, refs):
    grids = [
        GridFactory(community=world.community, population=1000, housing_units=420, entities=20, facilities=10)
        for _ in range(7)
    ]
    grids[0].population, grids[0].housing_units, grids[0].entities, grids[0].facilities = 6000, 2500, 120, 60
    for grid in grids:
        PostingFactory(officer=OfficerFactory(street=world.street), grid=grid)
    db.session.commit()
    balance = grid_balance.grid_balance(world.hr, *MARCH)
    assert balance.furthest[0].grid_id == grids[0].id
    assert [grid.grid_id for grid in balance.outliers] == [grids[0].id]
    scoped = grid_balance.grid_balance(world.street_hr, *MARCH)
    assert world.other_grid.id not in {grid.grid_id for grid in scoped.grids}


def test_anomaly_signals_per_officer(world, refs):
    officer = world.officer
    # 12 closures: 4 within 10 minutes of the report, 6 in the last three days of March, all self-reported.
    for number in range(12):
        reported = utc(29 if number < 6 else 10, 10)
        closed = reported + (dt.timedelta(minutes=10) if number % 3 == 0 else dt.timedelta(hours=3))
        add_case(refs, 100 + number, world.grid, officer, reporter=officer, reported=reported, closed=closed)
    db.session.commit()
    [signal] = anomalies.anomaly_signals(*MARCH)
    assert (signal.officer_id, signal.closed, signal.fast_closures, signal.end_burst, signal.self_closed) == (
        officer.id,
        12,
        4,
        6,
        12,
    )
    assert signal.burst_ratio == pytest.approx(6 / (12 * 3 / 31))
    assert signal.flags == ["fast_closures", "end_of_period_burst", "self_report_self_close"]


def test_assessments_score_these_measures_over_the_inclusive_period(app, world, march):
    from hrapp.assessments import sources

    assert sources.workload_source_registered(), "create_app registers the workload measures"
    got = sources.workload_measures(dt.date(2026, 3, 1), dt.date(2026, 3, 31), [world.officer.id, world.colleague.id])

    mine = got[world.officer.id]
    assert (mine["volume"], mine["collection"], mine["visits"], mine["patrol"]) == (4, 7, 3, 2)
    assert float(mine["closure_rate"]) == pytest.approx(6 / 8)
    assert float(mine["on_time_rate"]) == pytest.approx(5 / 6)
    assert float(mine["satisfaction"]) == pytest.approx(3 / 5)
    assert world.colleague.id not in got  # no case, no record: "no data", not zeros
