"""Each indicator's scoring at its thresholds, the integrity deduction, veto, grade bands, the 优秀 cap."""

from decimal import Decimal

import pytest

from hrapp.assessments import scoring
from tests.assessments.helpers import FULL, D

DEF = scoring.DEFAULT_DEFINITION


def indicator(code):
    return next(i for i in DEF["indicators"] if i["code"] == code)


def measures(**values):
    return {key: D(value) for key, value in {**FULL, **values}.items()}


@pytest.mark.parametrize(
    ("collected", "points"),
    [(100, "20.00"), (99, "16.00"), (80, "16.00"), (79, "10.00"), (60, "10.00"), (59, "0.00"), (0, "0.00")],
)
def test_collection_earns_by_threshold_of_its_monthly_target(collected, points):
    line = scoring.score_indicator(indicator("collection"), measures(collection=collected), months=1)
    assert line["points"] == points
    assert line["raw"] == str(collected)


def test_volumes_are_normalised_by_the_grids_workload_index():
    # 120 records on a grid of index 1.5 are 80 % of the target: the same as 80 on an average grid.
    heavy = scoring.score_indicator(indicator("collection"), measures(collection=120, workload_index="1.5"), 1)
    assert heavy["value"] == "0.8000" and heavy["points"] == "16.00" and heavy["index"] == "1.5"
    # A quarter's target is three months'.
    quarter = scoring.score_indicator(indicator("visits"), measures(visits=90), months=3)
    assert quarter["points"] == "10.00"
    assert scoring.score_indicator(indicator("visits"), measures(visits=89), months=3)["points"] == "8.00"


@pytest.mark.parametrize(
    ("code", "measure", "value", "points"),
    [
        ("satisfaction", "satisfaction", "0.95", "10.00"),
        ("satisfaction", "satisfaction", "0.9499", "8.00"),
        ("satisfaction", "satisfaction", "0.8", "5.00"),
        ("satisfaction", "satisfaction", "0.7999", "0.00"),
        ("closure", "closure_rate", "0.9", "5.00"),
        ("closure", "closure_rate", "0.8", "3.00"),
        ("closure", "closure_rate", "0.79", "0.00"),
        ("on_time", "on_time_rate", "0.95", "5.00"),
        ("on_time", "on_time_rate", "0.85", "3.00"),
        ("on_time", "on_time_rate", "0.8499", "0.00"),
        # Rework: lower is better.
        ("rework", "rework_rate", "0.05", "5.00"),
        ("rework", "rework_rate", "0.0501", "3.00"),
        ("rework", "rework_rate", "0.1", "3.00"),
        ("rework", "rework_rate", "0.1001", "0.00"),
        # Valid reports against 15 a month.
        ("events", "volume", "15", "20.00"),
        ("events", "volume", "12", "16.00"),
        ("events", "volume", "9", "10.00"),
        ("events", "volume", "8.99", "0.00"),
        ("patrol", "patrol", "48", "12.00"),
    ],
)
def test_rate_and_volume_indicators_at_their_boundaries(code, measure, value, points):
    assert scoring.score_indicator(indicator(code), measures(**{measure: value}), 1)["points"] == points


def test_a_missing_measure_is_no_data_and_earns_nothing():
    line = scoring.score_indicator(indicator("visits"), {}, 1)
    assert line["no_data"] is True and line["points"] == "0.00" and line["raw"] is None
    result = scoring.assess(DEF, {}, [], 1)
    assert result.score == Decimal("10.00")  # integrity only
    assert result.grade == 1
    assert "collection" in result.missing and "integrity" not in result.missing


def finding(code="F01", severity=1, deduction="0"):
    return {"check_number": "MC-1", "code": code, "severity": severity, "deduction": deduction, "found_on": ""}


def test_integrity_deducts_each_finding_never_below_zero():
    assert scoring.score_integrity(DEF["integrity"], [])["points"] == "10.00"
    # A finding without its own points deducts the scheme's 2; one with 3.5 deducts 3.5.
    assert scoring.score_integrity(DEF["integrity"], [finding(), finding(deduction="3.5")])["points"] == "4.50"
    assert scoring.score_integrity(DEF["integrity"], [finding(deduction="6")] * 2)["points"] == "0.00"


@pytest.mark.parametrize(
    ("findings", "vetoed"),
    [
        ([finding(severity=2)], False),
        ([finding(severity=3)], True),
        ([finding(severity=4)], True),
        ([finding(code="F08", severity=1)], True),
    ],
)
def test_a_serious_finding_or_fabricated_data_vetoes_the_period(findings, vetoed):
    result = scoring.assess(DEF, measures(), findings, 1)
    assert bool(result.veto_reason) is vetoed
    assert result.grade == (1 if vetoed else 4)
    assert result.score >= Decimal("90")


@pytest.mark.parametrize(
    ("score", "grade"),
    [("100", 4), ("90", 4), ("89.99", 3), ("80", 3), ("79.99", 2), ("60", 2), ("59.99", 1), ("0", 1)],
)
def test_grade_bands(score, grade):
    assert scoring.grade_for(DEF, Decimal(score)) == grade


def test_full_marks_on_every_target():
    result = scoring.assess(DEF, measures(), [], 1)
    assert result.score == Decimal("100.00") and result.grade == 4 and not result.missing


def test_excellent_cap_keeps_the_best_20_percent_of_a_cohort():
    cohort = [(i, Decimal(100 - i), 4) for i in range(10)] + [(10, Decimal(70), 2)]
    # 11 officers → 2 may be 优秀; the 8 lower 优秀 scores become 合格.
    assert scoring.apply_excellent_cap(DEF, cohort) == set(range(2, 10))
    # Ties are broken by the key, deterministically.
    tied = [(3, Decimal(95), 4), (1, Decimal(95), 4), (2, Decimal(95), 4), (4, Decimal(50), 1), (5, Decimal(50), 1)]
    assert scoring.apply_excellent_cap(DEF, tied) == {2, 3}
    assert scoring.apply_excellent_cap({**DEF, "excellent_cap_percent": None}, cohort) == set()
