"""The candidates list: eligibility decided in SQL (`rules.shortlist`) must agree, officer by
officer, with the full evaluation (`rules.evaluate`); the page shows the evidence of its rows only
and pages through both lists."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
import sqlalchemy as sa

from hrapp.certification import queries, rules
from hrapp.certification.seed import seed_certification
from hrapp.core.dates import add_months, add_years
from hrapp.core.db import today
from hrapp.extensions import db
from hrapp.officers.models import Officer
from hrapp.seed import demo
from tests import factories
from tests.certification import helpers
from tests.conftest import client_as

D = dt.date
SEEDED_ON = D(2025, 6, 30)


def reference(user, on: dt.date, months: int):
    """The candidates as the engine decides them one officer at a time (the former page)."""
    results = rules.evaluate(sa.and_(queries.officer_scope(user, Officer), Officer.status != "left"), on)
    horizon = add_months(on, months)
    eligible = sorted(
        (item for item in results.values() if item.eligible),
        key=lambda item: (-item.tier_ordinal, item.tier_since, item.employee_no),
    )
    upcoming = sorted(
        (item for item in results.values() if not item.eligible and item.tenure_by(horizon)),
        key=lambda item: (len(item.missing), item.tenure_reached_on or on, item.employee_no),
    )
    return (
        [item.officer_id for item in eligible],
        [(item.officer_id, len(item.missing), item.tenure_reached_on) for item in upcoming],
        len(results),
    )


def shortlisted(user, on: dt.date, months: int):
    result = queries.candidates(user, on, months=months)
    return (
        [item.officer_id for item in result.eligible],
        [(item.officer_id, item.missing, item.tenure_reached_on) for item in result.upcoming],
        result.evaluated,
    )


@pytest.fixture
def district():
    """A seeded demo district (officers, tier histories, grades, training) and integrity findings
    for some officers, of every severity, recent and old."""
    rng = random.Random(7)
    grids = demo.seed_org(rng, grid_count=160)
    demo.seed_officers(rng, grids, 160, SEEDED_ON)
    seed_certification(rng, SEEDED_ON)
    ids = list(db.session.scalars(sa.select(Officer.id).order_by(Officer.id)))
    findings = [(officer_id, SEEDED_ON - dt.timedelta(days=97 * n), n % 4 + 1) for n, officer_id in enumerate(ids[::7])]

    def source():
        return sa.union_all(
            *(
                sa.select(
                    sa.literal(officer_id).label("officer_id"),
                    sa.literal(found_on, sa.Date).label("found_on"),
                    sa.literal(severity).label("severity"),
                )
                for officer_id, found_on, severity in findings
            )
        ).subquery()

    rules.register_integrity_findings_source(source)
    db.session.commit()
    yield
    rules.register_integrity_findings_source(None)


def test_the_sql_shortlist_agrees_with_the_full_evaluation_of_every_officer(district):
    hr = factories.UserFactory(role="hr_clerk")
    street_id = db.session.scalar(sa.select(Officer.street_id).order_by(Officer.id).limit(1))
    street_hr = factories.UserFactory(role="hr_clerk", street_id=street_id)
    seen = {"eligible": 0, "upcoming": 0}
    for on in (SEEDED_ON, D(2025, 2, 28), D(2024, 2, 29), D(2023, 3, 1)):
        for months in (1, 6, 36):
            for user in (hr, street_hr):
                expected = reference(user, on, months)
                assert shortlisted(user, on, months) == expected, (on, months, user.street_id)
            seen["eligible"] += len(expected[0])
            seen["upcoming"] += len(expected[1])
    assert seen["eligible"] > 0 and seen["upcoming"] > 0  # the comparison is not vacuous


def test_the_shortlist_agrees_on_time_in_probation(district):
    # Officers in their first months of probation: the months criterion decides them alone.
    hr = factories.UserFactory(role="hr_clerk")
    on = SEEDED_ON
    results = rules.evaluate(sa.and_(queries.officer_scope(hr, Officer), Officer.status != "left"), on)
    held_back = [
        item
        for item in results.values()
        if item.tier_code == "probation" and [c.key for c in item.missing] == ["tier_months"]
    ]
    if not held_back:  # make one: a recent hire who has done the induction already
        officer = factories.OfficerFactory(hire_date=add_months(on, -1))
        helpers.history(officer, ("probation", officer.hire_date))
        exam = helpers.course("induction", 2, is_exam=True, pass_score=60)
        helpers.attend(officer, helpers.session(exam, officer.hire_date + dt.timedelta(days=5)), score=80)
        helpers.trained(officer, officer.hire_date + dt.timedelta(days=3), 40, category="induction")
        db.session.commit()
    for months in (1, 6):
        assert shortlisted(hr, on, months) == reference(hr, on, months)
    result = queries.candidates(hr, on, months=6)
    probation_waiting = [
        item for item in result.upcoming if item.tier_ordinal == 0 and item.missing == 1 and item.tenure_reached_on > on
    ]
    assert probation_waiting  # listed as upcoming with the date the probation ends, not as eligible


@pytest.mark.parametrize("months", [1, 3, 6])
def test_the_months_cutoff_is_exactly_the_calendar_rule(months):
    starts = [D(2019, 10, 1) + dt.timedelta(days=n) for n in range(0, 500)]
    on = D(2020, 1, 15)
    while on < D(2021, 4, 1):
        cutoff = rules.latest_start_months(on, months)
        for start in starts:
            assert (add_months(start, months) <= on) == (start <= cutoff)
        on += dt.timedelta(days=5) if on.month not in (2, 3) else dt.timedelta(days=1)


def test_without_integrity_source_the_shortlist_still_agrees(district):
    rules.register_integrity_findings_source(None)
    hr = factories.UserFactory(role="hr_clerk")
    assert shortlisted(hr, SEEDED_ON, 6) == reference(hr, SEEDED_ON, 6)


@pytest.mark.parametrize("years", [1, 4, 5, 6])
def test_the_tenure_cutoff_is_exactly_the_calendar_rule(years):
    # add_years(start, years) <= on  ⟺  start <= latest_start(on, years), around 29 February too.
    starts = [D(2015, 12, 1) + dt.timedelta(days=n) for n in range(0, 1600, 3)] + [D(2016, 2, 29), D(2020, 2, 29)]
    on = D(2020, 1, 15)
    while on < D(2026, 4, 1):
        cutoff = rules.latest_start(on, years)
        assert add_years(cutoff, years) <= on < add_years(cutoff + dt.timedelta(days=1), years)
        for start in starts:
            assert (add_years(start, years) <= on) == (start <= cutoff)
        on += dt.timedelta(days=11) if on.month != 2 else dt.timedelta(days=1)


def test_fractional_hours_that_add_up_to_the_requirement_count_as_met():
    officer = factories.OfficerFactory(hire_date=D(2015, 3, 1))
    helpers.history(officer, ("junior", D(2015, 3, 1)))
    helpers.grades(officer, y2024=3, y2023=3)
    for day, hours in (
        (D(2025, 1, 10), "13.3"),
        (D(2025, 2, 10), "13.3"),
        (D(2025, 3, 10), "13.3"),
        (D(2025, 4, 1), "0.1"),
    ):
        helpers.trained(officer, day, hours)
    on = D(2025, 6, 1)
    assert rules.eligibility_of(officer.id, on).eligible
    kept, evaluated = rules.shortlist(Officer.id == officer.id, on, add_months(on, 6))
    assert [(item.officer_id, item.eligible, item.missing) for item in kept] == [(officer.id, True, 0)]
    assert evaluated == 1


def test_nobody_kept_still_counts_the_officers_evaluated():
    officer = factories.OfficerFactory(hire_date=D(2024, 3, 1))
    helpers.history(officer, ("junior", D(2024, 3, 1)))
    assert rules.shortlist(Officer.id == officer.id, D(2025, 3, 1), D(2025, 9, 1)) == ([], 1)
    assert rules.shortlist(Officer.id == -1, D(2025, 3, 1), D(2025, 9, 1)) == ([], 0)


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture
def crowded_street(world):
    """In world.street: five officers eligible for intermediate today and three near-misses whose
    years of service are reached in one, two and three months (nothing else done)."""
    on = today()
    year = on.year
    eligible, near = [], []
    for number in range(5):
        officer = factories.OfficerFactory(street=world.street, name=f"合格{number}", hire_date=D(2015, 1, 1))
        helpers.history(officer, ("junior", D(2015, 1, 1)))
        helpers.grades(officer, **{f"y{year - 1}": 3, f"y{year - 2}": 4})
        helpers.trained(officer, on - dt.timedelta(days=30), 40)
        eligible.append(officer)
    for months in (3, 1, 2):
        hire = add_years(add_months(on, months), -6)
        officer = factories.OfficerFactory(street=world.street, name=f"将满{months}", hire_date=hire)
        helpers.history(officer, ("junior", hire))
        near.append(officer)
    db.session.commit()
    world.eligible, world.near = eligible, sorted(near, key=lambda o: o.hire_date)
    return world


def _names(body: str) -> list[str]:
    table = body.split('data-testid="candidates"')[1].split("</table>")[0] if 'data-testid="candidates"' in body else ""
    return re.findall(r'/officers/\d+">([^<]+)</a>', table)


def _count(body: str, which: str) -> int:
    return int(body.split(f'data-testid="{which}-count">')[1].split("<")[0])


def test_the_eligible_list_pages_through_every_candidate_once(app, crowded_street, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    client = client_as(app, crowded_street, "street_hr", isolated=True)
    first = client.get("/certification/candidates").get_data(as_text=True)
    pages = [_names(client.get(f"/certification/candidates?page={n}").get_data(as_text=True)) for n in (1, 2, 3, 4)]
    assert [len(names) for names in pages] == [2, 2, 1, 0]
    shown = [name for names in pages for name in names]
    assert _count(first, "eligible") == len(shown) == len(set(shown)) == 5
    assert set(shown) == {officer.name for officer in crowded_street.eligible}
    assert _count(first, "upcoming") == 3
    assert "page=2" in first  # the pager links the next page


def test_a_near_miss_on_the_second_page_is_reachable_with_its_evidence(app, crowded_street, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    client = client_as(app, crowded_street, "street_hr", isolated=True)
    page_one = client.get("/certification/candidates?view=upcoming").get_data(as_text=True)
    page_two = client.get("/certification/candidates?view=upcoming&page=2").get_data(as_text=True)
    # Same number missing (tenure, hours, grades): the closest tenure first.
    assert _names(page_one) == [officer.name for officer in crowded_street.near[:2]]
    assert _names(page_two) == [crowded_street.near[2].name]
    assert "✘" in page_two.split('data-testid="candidates"')[1]  # what is still missing is listed


def test_every_page_runs_the_same_queries(app, crowded_street, monkeypatch, query_counter):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    client = client_as(app, crowded_street, "hr_clerk", isolated=True)
    client.get("/certification/candidates?street_id=")
    counts = []
    for url in ("?street_id=", "?street_id=&page=2", "?street_id=&view=upcoming&page=2"):
        with query_counter() as statements:
            assert client.get(f"/certification/candidates{url}").status_code == 200
        counts.append(len(statements))
    assert len(set(counts)) == 1
