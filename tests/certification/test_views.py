"""Certification pages: scoping, IDOR probes, the /me panel, the case decision, annual steps,
bulk attendance and the attendance import (dry run, row errors, atomicity, idempotence)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hrapp.certification import services
from hrapp.certification.importing import attendance_import_spec
from hrapp.certification.models import Attendance, PromotionCase, TierRecord
from hrapp.core import importing
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


def test_bulk_attendance_page_records_a_street(app, world):
    training = helpers.session(helpers.course("safety", 8, is_exam=True, pass_score=60), D(2025, 5, 1))
    db.session.commit()
    hr = client_as(app, world, "street_hr", isolated=True)
    page = hr.get(f"/certification/sessions/{training.id}/attendance").get_data(as_text=True)
    assert world.officer.name in page and world.stranger.name not in page
    response = hr.post(
        f"/certification/sessions/{training.id}/attendance",
        data={f"present-{world.officer.id}": "1", f"hours-{world.officer.id}": "6", f"score-{world.officer.id}": "75"},
    )
    assert response.status_code == 302
    rows = db.session.execute(sa.select(Attendance.officer_id, Attendance.hours, Attendance.passed)).all()
    assert [(r.officer_id, float(r.hours), r.passed) for r in rows] == [(world.officer.id, 6.0, True)]


def _csv(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))


def _import(client, training, content, **extra):
    return client.post(
        f"/certification/sessions/{training.id}/import",
        data={"file": (content, "attendance.csv"), **extra},
        content_type="multipart/form-data",
    )


def test_attendance_import_reports_row_errors_and_writes_nothing(app, world):
    training = helpers.session(helpers.course("safety", 8, is_exam=True, pass_score=60), D(2025, 5, 1))
    db.session.commit()
    hr = client_as(app, world, "street_hr", isolated=True)
    content = _csv(
        "employee_no,hours,exam_score",
        f"{world.officer.employee_no},8,75",
        "NOBODY,8,75",
        f"{world.colleague.employee_no},abc,120",
        f"{world.stranger.employee_no},8,80",
    )
    body = _import(hr, training, content).get_data(as_text=True)
    assert 'data-testid="import-errors"' in body
    for row in ("<td>3</td>", "<td>4</td>", "<td>5</td>"):
        assert row in body
    assert "NOBODY" in body
    assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 0


def test_attendance_import_dry_run_confirm_and_reimport_changes_nothing(app, world):
    training = helpers.session(helpers.course("safety", 8, is_exam=True, pass_score=60), D(2025, 5, 1))
    db.session.commit()
    hr = client_as(app, world, "hr_clerk", isolated=True)
    lines = (
        "Employee no.,Hours,Exam score,Certificate no.,Certificate expiry",
        f"{world.officer.employee_no},8,75,ZS-1,2027-05-01",
        f"{world.stranger.employee_no},,59,,",
    )
    body = _import(hr, training, _csv(*lines)).get_data(as_text=True)
    assert 'data-testid="import-plan"' in body
    assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 0  # the dry run wrote nothing
    token = body.split('name="token" value="')[1].split('"')[0]
    assert hr.post(f"/certification/sessions/{training.id}/import", data={"token": token}).status_code == 302
    rows = {r.officer_id: r for r in db.session.scalars(sa.select(Attendance))}
    assert rows[world.officer.id].passed is True and rows[world.officer.id].certificate_expires == D(2027, 5, 1)
    assert rows[world.stranger.id].passed is False and float(rows[world.stranger.id].hours) == 8.0
    before = db.session.execute(sa.select(Attendance.id, Attendance.updated_at)).all()
    body = _import(hr, training, _csv(*lines)).get_data(as_text=True)
    assert 'data-testid="import-plan"' in body
    token = body.split('name="token" value="')[1].split('"')[0]
    hr.post(f"/certification/sessions/{training.id}/import", data={"token": token})
    db.session.expire_all()
    assert db.session.execute(sa.select(Attendance.id, Attendance.updated_at)).all() == before


def test_a_refused_course_edit_stays_on_that_courses_form(world, app):
    """A refused save re-renders the same course's form, not a blank 'new course' page."""
    from hrapp.certification.models import Course

    db.session.add_all(
        [
            Course(code="C-1", title="政策法规", category="policy", hours=8),
            Course(code="C-2", title="信息采集", category="collection", hours=8),
        ]
    )
    db.session.commit()
    second = db.session.scalar(sa.select(Course).where(Course.code == "C-2"))
    client = client_as(app, world, "admin", isolated=True)
    response = client.post(
        f"/certification/courses/{second.id}/edit",
        data={"code": "C-1", "title": "信息采集", "category": "collection", "hours": "8", "active": "y"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "C-2 信息采集" in page  # the heading still names the course being edited
    db.session.expire_all()
    assert db.session.get(Course, second.id).code == "C-2"


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
    from hrapp.certification import queries

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


def test_session_pages_keep_the_promotions_sub_navigation(app, world):
    course = helpers.course()
    training = helpers.session(course, D(2024, 5, 1))
    db.session.commit()
    client = client_as(app, world, "street_hr", isolated=True)
    for url in (
        f"/certification/sessions/{training.id}",
        f"/certification/sessions/{training.id}/attendance",
        f"/certification/sessions/{training.id}/import",
        "/certification/sessions/new",
    ):
        body = client.get(url).get_data(as_text=True)
        assert "nav-tabs" in body, url
        active = body.split('aria-current="page"')[0].rsplit("<a ", 1)[1]
        assert "/certification/sessions" in active and "active" in active, url


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


def test_the_attendance_import_reports_every_problem_of_a_row_naming_the_officer(app, world):
    training = helpers.session(helpers.course("safety", 8, is_exam=True, pass_score=60), D(2025, 5, 1))
    db.session.commit()
    with force_locale("en"):
        report = importing.run_import(
            attendance_import_spec(training, world.street_hr),
            _csv(
                "employee_no,hours,exam_score,certificate_expires",
                f"{world.officer.employee_no},abc,150,someday",
                f"{world.stranger.employee_no},8,80,",
                "NOBODY,8,80,",
            ),
            "attendance.csv",
            dry_run=True,
        )
    name = f"{world.officer.employee_no} {world.officer.name}"
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "Hours", f"{name}: Not a number."),
        (2, "Exam score", f"{name}: A score is between 0 and 100."),
        (2, "Certificate expiry", f"{name}: Not a date (use YYYY-MM-DD)."),
        (3, "Employee no.", f"No officer of yours has employee number {world.stranger.employee_no}."),
        (4, "Employee no.", "No officer of yours has employee number NOBODY."),
    ]


def test_the_bulk_page_reports_every_problem_by_name_and_keeps_what_was_typed(app, world):
    training = helpers.session(helpers.course("safety", 8, is_exam=True, pass_score=60), D(2025, 5, 1))
    db.session.commit()
    hr = client_as(app, world, "street_hr", isolated=True)
    hr.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    officer, colleague = world.officer, world.colleague
    response = hr.post(
        f"/certification/sessions/{training.id}/attendance",
        data={
            f"present-{officer.id}": "1",
            f"hours-{officer.id}": "-2",
            f"score-{officer.id}": "150",
            f"present-{colleague.id}": "1",
            f"hours-{colleague.id}": "7.5",
            f"score-{colleague.id}": "eighty",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    problems = page[page.index('data-testid="attendance-problems"') :]
    assert f"{officer.employee_no} {officer.name}: Hours cannot be negative." in problems
    assert f"{officer.employee_no} {officer.name}: A score is between 0 and 100." in problems
    assert f"{colleague.employee_no} {colleague.name}: Exam score is not a number: eighty" in problems
    for name, value in (
        (f"hours-{officer.id}", "-2"),
        (f"score-{officer.id}", "150"),
        (f"hours-{colleague.id}", "7.5"),
    ):
        assert f'name="{name}" value="{value}"' in page
    assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 0


def test_unticked_officers_lose_their_record_only_once_confirmed_by_name(app, world):
    training = helpers.session(helpers.course("safety", 8, is_exam=True, pass_score=60), D(2025, 5, 1))
    db.session.commit()
    hr = client_as(app, world, "street_hr", isolated=True)
    hr.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = f"/certification/sessions/{training.id}/attendance"
    both = {f"present-{world.officer.id}": "1", f"present-{world.colleague.id}": "1"}
    assert hr.post(url, data=both).status_code == 302
    only_officer = {f"present-{world.officer.id}": "1", f"score-{world.officer.id}": "70"}
    page = hr.post(url, data=only_officer).get_data(as_text=True)
    warning = page[page.index('data-testid="attendance-removals"') :]
    assert f"{world.colleague.employee_no} {world.colleague.name}" in warning
    assert f'name="remove" value="{world.colleague.id}"' in warning
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 2
    assert hr.post(url, data={**only_officer, "remove": str(world.colleague.id)}).status_code == 302
    db.session.expire_all()
    assert db.session.scalars(sa.select(Attendance.officer_id)).all() == [world.officer.id]
