"""Risk-based draws: reproducible from the stored seed, pool and weights; risk raises the odds;
signal sources plug in; an officer outside the draw needs a recorded reason."""

from __future__ import annotations

import datetime as dt

import pytest

from hrapp.errors import DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.integrity import followup, risk, services
from tests import factories
from tests.integrity import helpers

PERIOD = {"period_start": dt.date(2025, 5, 1), "period_end": dt.date(2025, 5, 31)}


@pytest.fixture
def many(world):
    return [factories.OfficerFactory(street=world.street) for _ in range(30)]


def test_the_same_seed_pool_and_weights_pick_the_same_targets(world, many):
    first = risk.run_draw({**PERIOD, "random_count": 3, "weighted_count": 5, "seed": 12345}, world.inspector)
    second = risk.run_draw({**PERIOD, "random_count": 3, "weighted_count": 5, "seed": 12345}, world.inspector)
    other = risk.run_draw({**PERIOD, "random_count": 3, "weighted_count": 5, "seed": 54321}, world.inspector)
    assert first.picks == second.picks and len(first.picks) == 8
    assert first.picks != other.picks
    assert risk.replay(first) == first.picks
    assert len({p["officer_id"] for p in first.picks}) == 8
    assert [p["how"] for p in first.picks] == ["random"] * 3 + ["weighted"] * 5
    assert first.run_by_id == world.inspector.id and first.pool == sorted(first.pool)


def test_a_tampered_weight_no_longer_replays(world, many):
    draw = risk.run_draw({**PERIOD, "random_count": 0, "weighted_count": 5, "seed": 99}, world.inspector)
    picked = draw.picks[0]["officer_id"]
    weights = dict(draw.weights)
    weights[str(picked)] = {**weights[str(picked)], "weight": 0.000001}
    draw.weights = weights
    assert risk.replay(draw) != draw.picks


def test_risk_factors_count_time_since_last_check_findings_and_upheld_appeals(world, monkeypatch):
    monkeypatch.setattr(risk, "RISK_SIGNAL_SOURCES", {})  # the draw's own factors, no registered signal
    check = helpers.closed_check(world, code="F06")  # 严重, on 2025-05-06
    followup.decide_appeal(
        followup.file_appeal(check, "不服", world.officer_user),
        {"outcome": "upheld", "decision_note": "证据充分"},
        world.inspector,
    )
    factors = risk.risk_factors([world.officer.id, world.colleague.id], dt.date(2025, 9, 10))
    assert factors[world.officer.id] == {
        "weight": 1 + 4 / 6 + 1.5 * 3 + 2,
        "months": 4,
        "findings": 3,
        "upheld": 1,
        "signals": {},
    } | {"weight": round(1 + 4 / 6 + 1.5 * 3 + 2, 4)}
    assert factors[world.colleague.id]["months"] == 24 and factors[world.colleague.id]["weight"] == 5.0


def test_higher_risk_is_drawn_more_often(world, many):
    risky = many[0]
    flat = risk.run_draw({**PERIOD, "random_count": 0, "weighted_count": 3, "seed": 1}, world.inspector)
    risk.register_risk_signal_source("workload", lambda ids, on: {risky.id: 1.0})
    try:
        signalled = risk.run_draw({**PERIOD, "random_count": 0, "weighted_count": 3, "seed": 1}, world.inspector)
    finally:
        risk.register_risk_signal_source("workload", None)
    assert signalled.weights[str(risky.id)]["signals"] == {"workload": 1.0}
    assert signalled.weights[str(risky.id)]["weight"] == 2 * flat.weights[str(risky.id)]["weight"]

    def hits(draw) -> int:
        weights = {int(key): data["weight"] for key, data in draw.weights.items()}
        picks = (risk.pick(draw.pool, weights, seed, 0, 3) for seed in range(1, 1001))
        return sum(any(p["officer_id"] == risky.id for p in chosen) for chosen in picks)

    assert hits(signalled) >= 1.6 * hits(flat)  # weight 10 against 5: about twice as often


def test_the_draw_is_for_inspectors_only_and_needs_a_pool(world):
    with pytest.raises(PermissionDenied):
        risk.run_draw({**PERIOD, "random_count": 1, "weighted_count": 0}, world.hr)
    with pytest.raises(DomainError):
        risk.run_draw({**PERIOD, "random_count": 0, "weighted_count": 0}, world.inspector)


def test_a_drawn_officer_needs_no_reason_and_the_check_links_the_draw(world):
    draw = risk.run_draw({**PERIOD, "random_count": 3, "weighted_count": 0, "seed": 5}, world.inspector)
    drawn = db.session.get(factories.Officer, draw.picks[0]["officer_id"])
    check = helpers.draft_check(world, target=drawn, outside_draw_reason="")
    helpers.finding(check, world)
    services.submit_check(check, world.inspector)
    assert check.draw_id == draw.id


def test_an_officer_outside_the_draw_needs_a_reason(world, many):
    risk.run_draw({**PERIOD, "random_count": 1, "weighted_count": 0, "seed": 5}, world.inspector)
    check = helpers.draft_check(world, target=world.stranger, outside_draw_reason="")
    helpers.finding(check, world)
    with pytest.raises(DomainError, match="not drawn"):
        services.submit_check(check, world.inspector)


def test_the_draw_page_runs_and_verifies_a_draw(app, world, many, as_role):
    db.session.commit()
    inspector = as_role("inspector")
    response = inspector.post(
        "/integrity/draws/new",
        data={
            "period_start": "2025-05-01",
            "period_end": "2025-05-31",
            "random_count": "2",
            "weighted_count": "3",
            "seed": "77",
        },
    )
    assert response.status_code == 302
    page = inspector.get(response.headers["Location"]).get_data(as_text=True)
    assert "seed 77" in page or "种子 77" in page
    assert 'data-testid="replay"' in page and "text-success" in page
