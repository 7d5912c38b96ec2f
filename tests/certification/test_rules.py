"""The eligibility engine, rule by rule, at its boundaries (no HTTP)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hrapp.certification import rules, services
from hrapp.core.dates import add_months, add_years
from hrapp.officers.models import Officer
from tests import factories
from tests.certification.helpers import attend, course, grades, history, ladder, session, trained

D = dt.date


def criterion(officer, on, key):
    eligibility = rules.eligibility_of(officer.id, on)
    return next(c for c in eligibility.criteria if c.key == key)


@pytest.fixture
def officer():
    return factories.OfficerFactory(hire_date=D(2020, 3, 1))


def test_add_years_handles_29_february():
    assert add_years(D(2020, 2, 29), 4) == D(2024, 2, 29)
    assert add_years(D(2020, 2, 29), 1) == D(2021, 2, 28)
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2025, 3, 31), -12) == D(2024, 3, 31)


def test_exactly_four_years_as_junior_qualifies_and_one_day_short_does_not(officer):
    history(officer, ("probation", D(2020, 3, 1)), ("junior", D(2020, 9, 1)))
    assert criterion(officer, D(2024, 9, 1), "tenure").met
    short = criterion(officer, D(2024, 8, 31), "tenure")
    assert not short.met
    assert short.reached_on == D(2024, 9, 1)


def test_six_years_of_service_is_the_alternative_to_four_years_in_tier():
    officer = factories.OfficerFactory(hire_date=D(2018, 3, 1))
    # Demoted back to junior in 2023: four years as junior are far away, six years of service are not.
    history(officer, ("junior", D(2018, 3, 1)), ("intermediate", D(2020, 1, 1)), ("junior", D(2023, 1, 1)))
    assert rules.eligibility_of(officer.id, D(2024, 3, 1)).tier_since == D(2023, 1, 1)
    assert criterion(officer, D(2024, 3, 1), "tenure").met
    assert not criterion(officer, D(2024, 2, 29), "tenure").met


def test_years_in_tier_count_from_the_tier_not_from_the_last_step(officer):
    history(officer, ("junior", D(2020, 3, 1)), ("junior", D(2021, 1, 1), 2), ("junior", D(2022, 1, 1), 3))
    assert rules.eligibility_of(officer.id, D(2024, 3, 1)).tier_since == D(2020, 3, 1)
    assert criterion(officer, D(2024, 3, 1), "tenure").met


def test_training_hours_shortfall_is_reported_and_the_window_is_exact(officer):
    history(officer, ("junior", D(2020, 3, 1)))
    on = D(2025, 6, 15)
    trained(officer, D(2025, 1, 10), 20)
    trained(officer, D(2024, 6, 16), 8)  # the first day inside (on − 12 months, on]
    trained(officer, D(2024, 6, 15), 30)  # exactly 12 months before: outside
    short = criterion(officer, on, "training_hours")
    assert not short.met
    assert "28/40" in short.text
    trained(officer, D(2025, 6, 15), 12)  # on the date itself: inside
    assert criterion(officer, on, "training_hours").met


def test_induction_exam_needs_a_pass_of_at_least_60_in_an_induction_course(officer):
    history(officer, ("probation", D(2020, 3, 1)))
    on = D(2020, 7, 1)
    exam = course("induction", 2, is_exam=True, pass_score=60)
    attend(officer, session(exam, D(2020, 4, 1)), score=59)
    assert not criterion(officer, on, "exam").met
    attend(officer, session(exam, D(2020, 5, 1)), score=60)
    assert criterion(officer, on, "exam").met
    other_exam = course("policy", 2, is_exam=True, pass_score=60)
    trained(officer, D(2020, 4, 2), 35, category="induction")
    attend(officer, session(other_exam, D(2020, 4, 3)), score=90)
    hours = criterion(officer, on, "training_hours")
    # Only induction courses count: 35 + the two induction exams' 2 h each; not the policy exam.
    assert hours.data["hours"] == "39.0"
    assert not hours.met


def test_probation_to_junior_eligible_with_40_induction_hours_and_a_passed_exam(officer):
    history(officer, ("probation", D(2020, 3, 1)))
    exam = course("induction", 2, is_exam=True, pass_score=60)
    attend(officer, session(exam, D(2020, 4, 1)), score=75)
    trained(officer, D(2020, 3, 20), 38, category="induction")
    assert rules.eligibility_of(officer.id, D(2020, 7, 1)).eligible


def test_probation_lasts_at_least_three_months_by_default(officer):
    # Induction and exam done in the first month: still not eligible before three months in probation.
    history(officer, ("probation", D(2020, 3, 1)))
    exam = course("induction", 2, is_exam=True, pass_score=60)
    attend(officer, session(exam, D(2020, 3, 20)), score=75)
    trained(officer, D(2020, 3, 10), 38, category="induction")
    early = rules.eligibility_of(officer.id, D(2020, 4, 1))
    assert not early.eligible
    assert [c.key for c in early.missing] == ["tier_months"]
    assert criterion(officer, D(2020, 5, 31), "tier_months").reached_on == D(2020, 6, 1)
    assert not rules.eligibility_of(officer.id, D(2020, 5, 31)).eligible
    assert rules.eligibility_of(officer.id, D(2020, 6, 1)).eligible


def test_the_probation_months_are_a_rule_parameter(officer, world):
    tiers = ladder()
    services.new_rule_version(
        tiers["junior"],
        {"min_months_in_tier": 6, "training_window_months": 12, "exam_window_months": 12},
        effective_from=D(2020, 1, 1),
        acting=world.admin,
    )
    history(officer, ("probation", D(2020, 3, 1)))
    assert not rules.eligibility_of(officer.id, D(2020, 8, 31)).eligible
    assert rules.eligibility_of(officer.id, D(2020, 9, 1)).eligible
    assert "6" in criterion(officer, D(2020, 9, 1), "tier_months").text


def test_last_two_annual_grades_must_be_qualified_or_better(officer):
    history(officer, ("junior", D(2020, 3, 1)))
    on = D(2025, 6, 1)
    grades(officer, y2024=3)
    assert not criterion(officer, on, "grades").met  # 2023 missing
    grades(officer, y2023=2)
    assert not criterion(officer, on, "grades").met
    services.record_annual_result(officer, year=2023, grade=4, acting=factories.UserFactory(role="admin"))
    assert criterion(officer, on, "grades").met


def test_senior_needs_one_excellent_in_the_last_three_years():
    officer = factories.OfficerFactory(hire_date=D(2012, 3, 1))
    history(officer, ("junior", D(2012, 3, 1)), ("intermediate", D(2017, 3, 1)))
    grades(officer, y2024=3, y2023=3, y2022=3, y2021=4)
    assert not criterion(officer, D(2025, 3, 1), "grades").met  # 2021 is outside the last three years
    assert criterion(officer, D(2024, 3, 1), "grades").met
    assert criterion(officer, D(2022, 3, 1), "tier_years").met
    assert not criterion(officer, D(2022, 2, 28), "tier_years").met


@pytest.fixture
def findings_source():
    def register(rows):
        def source():
            selects = [
                sa.select(
                    sa.literal(officer_id).label("officer_id"),
                    sa.literal(found_on, sa.Date).label("found_on"),
                    sa.literal(severity).label("severity"),
                )
                for officer_id, found_on, severity in rows
            ]
            return sa.union_all(*selects).subquery()

        rules.register_integrity_findings_source(source)

    yield register
    rules.register_integrity_findings_source(None)


def test_no_integrity_source_counts_as_a_clean_record(officer):
    history(officer, ("junior", D(2020, 3, 1)))
    assert criterion(officer, D(2025, 3, 1), "integrity").met


def test_a_moderate_finding_blocks_for_24_months_and_a_minor_one_does_not(officer, findings_source):
    history(officer, ("junior", D(2020, 3, 1)))
    findings_source([(officer.id, D(2023, 5, 10), 2)])
    assert not criterion(officer, D(2025, 5, 9), "integrity").met
    assert criterion(officer, D(2025, 5, 10), "integrity").met  # exactly 24 months later: outside
    findings_source([(officer.id, D(2024, 5, 10), 1)])
    assert criterion(officer, D(2025, 5, 10), "integrity").met


def test_the_rule_version_in_force_on_the_date_applies(officer):
    tiers = ladder()
    history(officer, ("junior", D(2020, 3, 1)))
    admin = factories.UserFactory(role="admin")
    rule = services.new_rule_version(
        tiers["intermediate"],
        {"min_years_in_tier": 3, "training_window_months": 12, "exam_window_months": 12},
        effective_from=D(2023, 1, 1),
        acting=admin,
    )
    assert rules.eligibility_of(officer.id, D(2023, 3, 1)).rule_id == rule.id
    assert rules.eligibility_of(officer.id, D(2023, 3, 1)).eligible
    assert rules.eligibility_of(officer.id, D(2022, 12, 31)).rule_version == 1


def test_evaluation_runs_the_same_queries_for_one_officer_or_many(query_counter):
    ladder()
    officers = [factories.OfficerFactory(hire_date=D(2015, 1, 1)) for _ in range(12)]
    for officer in officers:
        history(officer, ("junior", D(2015, 1, 1)))
        trained(officer, D(2025, 1, 1), 10)
        grades(officer, y2024=3)
    rules.evaluate(Officer.id == officers[0].id, D(2025, 3, 1))  # warm-up
    with query_counter() as one:
        rules.evaluate(Officer.id == officers[0].id, D(2025, 3, 1))
    with query_counter() as many:
        result = rules.evaluate(Officer.id.in_([o.id for o in officers]), D(2025, 3, 1))
    assert len(result) == 12
    assert len(one) == len(many) <= 8
