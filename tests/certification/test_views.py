"""Certification pages: scoping, IDOR probes, the /me panel, the case decision, annual steps."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hrapp.certification import services
from hrapp.certification.models import PromotionCase, TierRecord
from hrapp.extensions import db
from tests.certification import helpers
from tests.conftest import client_as

D = dt.date


@pytest.fixture
def eligible_pair(world):
    """world.officer and world.stranger (another street), both eligible for intermediate today."""
    for officer in (world.officer, world.stranger):
        helpers.history(officer, ("probation", D(2018, 3, 1)), ("junior", D(2018, 9, 1)))
        year = dt.date.today().year
        helpers.grades(officer, **{f"y{year - 1}": 3, f"y{year - 2}": 4})
        helpers.trained(officer, dt.date.today() - dt.timedelta(days=30), 40)
    db.session.commit()
    return world


@pytest.mark.parametrize("endpoint", ["officer_tiers", "officer_results", "case_new"])
def test_street_hr_gets_404_for_another_streets_officer(app, world, endpoint):
    client = client_as(app, world, "street_hr")
    assert client.get(f"/certification/officers/{world.stranger.id}/{_path(endpoint)}").status_code == 404
    assert client.get(f"/certification/officers/{world.officer.id}/{_path(endpoint)}").status_code == 200


@pytest.mark.parametrize("endpoint", ["officer_tiers", "officer_results", "case_new"])
def test_officer_cannot_open_certification_pages_even_their_own(app, world, endpoint):
    client = client_as(app, world, "officer")
    for officer in (world.officer, world.colleague):
        assert client.get(f"/certification/officers/{officer.id}/{_path(endpoint)}").status_code == 403


def _path(endpoint: str) -> str:
    return {"officer_tiers": "tiers", "officer_results": "annual-results", "case_new": "cases/new"}[endpoint]


def test_candidates_of_a_street_hr_exclude_other_streets(app, eligible_pair):
    world = eligible_pair
    body = client_as(app, world, "street_hr", isolated=True).get("/certification/candidates").get_data(as_text=True)
    assert world.officer.name in body and world.stranger.name not in body
    body = (
        client_as(app, world, "hr_clerk", isolated=True)
        .get("/certification/candidates?street_id=")
        .get_data(as_text=True)
    )
    assert world.officer.name in body and world.stranger.name in body


def test_candidates_page_query_count_does_not_grow_with_officers(app, eligible_pair, query_counter):
    world = eligible_pair
    client = client_as(app, world, "hr_clerk", isolated=True)
    url = "/certification/candidates?street_id="
    client.get(url)
    with query_counter() as few:
        client.get(url)
    for _number in range(8):
        officer = helpers.factories_officer(world.street)
        helpers.history(officer, ("junior", D(2015, 1, 1)))
    db.session.commit()
    with query_counter() as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many)


def test_officer_sees_own_timeline_training_and_eligibility_on_me(app, eligible_pair):
    world = eligible_pair
    body = client_as(app, world, "officer").get("/me").get_data(as_text=True)
    assert 'data-testid="certification-panel"' in body
    assert 'data-testid="tier-timeline"' in body and 'data-testid="eligibility-criteria"' in body
    assert 'data-testid="hours-by-year"' in body
    assert world.stranger.name not in body


def test_street_hr_sees_the_panel_on_the_profile_with_eligibility(app, eligible_pair):
    body = (
        client_as(app, eligible_pair, "street_hr").get(f"/officers/{eligible_pair.officer.id}").get_data(as_text=True)
    )
    assert 'data-testid="eligibility-verdict"' in body


def test_propose_then_admin_approves_and_hr_cannot(app, eligible_pair):
    world = eligible_pair
    hr = client_as(app, world, "street_hr", isolated=True)
    response = hr.post(
        f"/certification/officers/{world.officer.id}/cases/new",
        data={
            "kind": "promotion",
            "to_tier_id": helpers.ladder()["intermediate"].id,
            "to_step": 1,
            "effective_on": dt.date.today().isoformat(),
            "reason": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    case = db.session.scalar(sa.select(PromotionCase))
    assert hr.post(f"/certification/cases/{case.id}/decide", data={"decision": "approve"}).status_code == 403
    admin = client_as(app, world, "admin", isolated=True)
    assert (
        admin.post(
            f"/certification/cases/{case.id}/decide", data={"decision": "approve", "comment": "同意"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(PromotionCase, case.id).status == "approved"
    current = db.session.scalar(
        sa.select(TierRecord).where(TierRecord.officer_id == world.officer.id, TierRecord.effective_to.is_(None))
    )
    assert current.tier.code == "intermediate" and current.reason == "promotion"
    response = hr.post(f"/certification/cases/{case.id}/edit", data={"effective_on": "2020-01-01", "reason": "x"})
    assert response.status_code == 302  # locked: sent back to the case, nothing changed
    db.session.expire_all()
    assert db.session.get(PromotionCase, case.id).effective_on == dt.date.today()


def test_annual_steps_apply_twice_changes_nothing_the_second_time(app, world):
    year = dt.date.today().year - 1
    helpers.history(world.officer, ("junior", D(2018, 3, 1), 2))
    helpers.grades(world.officer, **{f"y{year}": 3})
    db.session.commit()
    admin = client_as(app, world, "admin", isolated=True)
    assert world.officer.name in admin.get(f"/certification/annual-steps?grade_year={year}").get_data(as_text=True)
    admin.post("/certification/annual-steps", data={"grade_year": year})
    admin.post("/certification/annual-steps", data={"grade_year": year})
    steps = db.session.scalars(sa.select(TierRecord.step).where(TierRecord.officer_id == world.officer.id)).all()
    assert sorted(steps) == [2, 3]


def test_a_future_dated_approval_is_shown_and_not_offered_again(app, eligible_pair):
    world = eligible_pair
    tiers = helpers.ladder()
    effective = dt.date.today() + dt.timedelta(days=40)
    case = services.propose_case(
        world.officer,
        kind="promotion",
        to_tier=tiers["intermediate"],
        effective_on=effective,
        reason="按期晋升",
        acting=world.street_hr,
    )
    services.decide_case(case, approve=True, comment="同意", acting=world.admin)
    db.session.commit()
    hr = client_as(app, world, "street_hr", isolated=True)
    expected = f"已批准 → 中级，{effective.isoformat()} 生效"

    profile = hr.get(f"/officers/{world.officer.id}").get_data(as_text=True)
    assert expected in profile
    assert f"/certification/officers/{world.officer.id}/cases/new" not in profile
    assert "符合条件" not in profile.split('data-testid="eligibility-verdict"')[1].split("</p>")[0]

    candidates = hr.get("/certification/candidates").get_data(as_text=True)
    assert expected in candidates
    assert f"/certification/officers/{world.officer.id}/cases/new" not in candidates

    own = client_as(app, world, "officer", isolated=True).get("/me").get_data(as_text=True)
    assert expected in own

    form = hr.get(f"/certification/officers/{world.officer.id}/cases/new").get_data(as_text=True)
    assert 'data-testid="case-in-progress"' in form and expected in form
    # A second case before the approved one takes effect is refused with the reason, not a 500.
    response = hr.post(
        f"/certification/officers/{world.officer.id}/cases/new",
        data={
            "kind": "promotion",
            "to_tier_id": tiers["intermediate"].id,
            "to_step": 1,
            "effective_on": dt.date.today().isoformat(),
            "reason": "again",
        },
    )
    assert response.status_code == 200
    assert effective.isoformat() in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PromotionCase.id))) == 1


def test_a_proposal_awaiting_a_decision_is_shown_to_hr_but_not_to_the_officer(app, eligible_pair):
    world = eligible_pair
    services.propose_case(
        world.officer,
        kind="promotion",
        to_tier=helpers.ladder()["intermediate"],
        effective_on=dt.date.today(),
        reason="",
        acting=world.street_hr,
    )
    db.session.commit()
    profile = client_as(app, world, "street_hr", isolated=True).get(f"/officers/{world.officer.id}")
    assert 'data-testid="change-in-progress"' in profile.get_data(as_text=True)
    own = client_as(app, world, "officer", isolated=True).get("/me").get_data(as_text=True)
    assert 'data-testid="change-in-progress"' not in own


def test_the_yearly_hours_table_lists_every_year_of_service_with_zero_hours_too(app, world):
    from hrapp.training import queries

    officer = world.officer
    officer.hire_date = D(2021, 5, 1)
    helpers.trained(officer, D(2021, 6, 1), 40)
    helpers.trained(officer, D(2023, 3, 1), 12.5)
    db.session.commit()
    rows = queries.hours_by_year(officer.id, officer.hire_date, D(2024, 2, 1))
    assert [(year, str(hours)) for year, hours in rows] == [
        (2024, "0.0"),
        (2023, "12.5"),
        (2022, "0.0"),
        (2021, "40.0"),
    ]
    body = client_as(app, world, "street_hr").get(f"/officers/{officer.id}").get_data(as_text=True)
    table = body.split('data-testid="hours-by-year"')[1].split("</table>")[0]
    assert f"<td>{dt.date.today().year}</td>" in table and "<td>2022</td><td>0.0</td>" in table


def test_the_annual_result_form_preselects_no_grade_and_requires_one(app, world):
    client = client_as(app, world, "street_hr", isolated=True)
    url = f"/certification/officers/{world.officer.id}/annual-results"
    form = client.get(url).get_data(as_text=True).split('name="grade"')[1].split("</select>")[0]
    assert '<option selected value="">' in form
    assert form.count("selected") == 1
    response = client.post(url, data={"year": dt.date.today().year - 1, "grade": ""})
    assert response.status_code == 200
    assert "请选择考核等次" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("annual_results"))) == 0


def test_the_candidates_page_opens_on_all_streets_for_a_district_clerk(app, eligible_pair):
    world = eligible_pair
    body = client_as(app, world, "hr_clerk", isolated=True).get("/certification/candidates").get_data(as_text=True)
    assert world.officer.name in body and world.stranger.name in body
    streets = body.split('name="street_id"')[1].split("</select>")[0]
    assert "selected" not in streets  # the first option, 全部街道, shows


def test_each_row_of_the_cases_list_opens_its_case(app, eligible_pair):
    world = eligible_pair
    case = services.propose_case(
        world.officer,
        kind="promotion",
        to_tier=helpers.ladder()["intermediate"],
        effective_on=dt.date.today(),
        reason="x",
        acting=world.street_hr,
    )
    db.session.commit()
    body = client_as(app, world, "street_hr", isolated=True).get("/certification/cases").get_data(as_text=True)
    row = body.split('<tr class="row-link">')[1].split("</tr>")[0]
    assert f'class="stretched-link" href="/certification/cases/{case.id}"' in row


# --- every problem, named; typed values kept; removals confirmed by name ----------------------
