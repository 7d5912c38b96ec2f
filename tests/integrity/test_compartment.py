"""The compartment: plans and open checks reach inspectors and administrators only; closed results
reach HR clerks of the street and the officer concerned; an officer never learns of an open check,
by any page, count, search, export or error. Every read is logged."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hrapp.core.audit import AuditEvent
from hrapp.extensions import db
from hrapp.integrity import queries
from tests.integrity import helpers

MISSING = 999_999


def _body(response) -> str:
    """The page without per-request noise (CSRF tokens)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))


def _officer_pages(client, check_id: int) -> dict[str, tuple[int, str]]:
    urls = {
        "home": "/",
        "me": "/me",
        "results": "/integrity/checks",
        "search": "/integrity/checks?q=JC",
        "search_place": "/integrity/checks?q=便民",
        "detail": f"/integrity/checks/{check_id}",
        "appeal": f"/integrity/checks/{check_id}/appeal",
        "appeal_post": f"/integrity/checks/{check_id}/appeal",
        "reports": "/integrity/reports",
        "export": "/integrity/reports/export",
        "plans": "/integrity/plans",
        "index": "/integrity/",
    }
    pages = {}
    for name, url in urls.items():
        response = client.post(url, data={"reason": "x"}) if name == "appeal_post" else client.get(url)
        pages[name] = (response.status_code, _body(response))
    return pages


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_an_officer_cannot_tell_an_open_check_on_them_from_no_check_at_all(app, world, as_role, state):
    officer = as_role("officer")
    before = _officer_pages(officer, MISSING)
    if state == "draft":
        check = helpers.draft_check(world)
        helpers.finding(check, world)
    else:
        check = helpers.submitted_check(world)
    db.session.commit()
    after_missing = _officer_pages(officer, MISSING)
    after_real = _officer_pages(officer, check.id)
    assert after_missing == before
    for name in before:
        status, body = after_real[name]
        expected_status, expected_body = before[name]
        assert status == expected_status, name
        assert body.replace(f"/integrity/checks/{check.id}", f"/integrity/checks/{MISSING}") == expected_body, name
        assert check.number not in body


def test_the_officer_sees_their_result_once_closed_and_not_another_officers(app, world, as_role):
    own = helpers.closed_check(world)
    other = helpers.closed_check(world, target=world.colleague)
    db.session.commit()
    officer = as_role("officer")
    listing = officer.get("/integrity/checks").get_data(as_text=True)
    assert own.number in listing and other.number not in listing
    assert officer.get(f"/integrity/checks/{own.id}").status_code == 200
    assert officer.get(f"/integrity/checks/{other.id}").status_code == 404
    assert own.number in officer.get("/me").get_data(as_text=True)  # the profile panel


def test_an_officer_named_responsible_sees_the_closed_check_of_another_target(app, world, as_role):
    check = helpers.draft_check(world, target=world.colleague)
    helpers.finding(check, world, responsible=[world.colleague, world.officer])
    from hrapp.integrity import services

    services.submit_check(check, world.inspector)
    services.close_check(check, world.inspector)
    db.session.commit()
    assert as_role("officer").get(f"/integrity/checks/{check.id}").status_code == 200


@pytest.mark.parametrize(
    ("role", "open_status", "closed_own_street", "closed_other_street"),
    [
        ("admin", 200, 200, 200),
        ("inspector", 200, 200, 200),
        ("hr_clerk", 404, 200, 200),
        ("street_hr", 404, 200, 404),
        ("officer", 404, 200, 404),
    ],
)
def test_who_reaches_which_check(app, world, as_role, role, open_status, closed_own_street, closed_other_street):
    open_check = helpers.submitted_check(world)
    closed = helpers.closed_check(world)
    elsewhere = helpers.closed_check(world, target=world.stranger)
    db.session.commit()
    client = as_role(role)
    assert client.get(f"/integrity/checks/{open_check.id}").status_code == open_status
    assert client.get(f"/integrity/checks/{closed.id}").status_code == closed_own_street
    assert client.get(f"/integrity/checks/{elsewhere.id}").status_code == closed_other_street
    assert client.get(f"/integrity/checks/{MISSING}").status_code == 404


def test_hr_lists_count_and_export_only_closed_results_of_their_street(app, world, as_role):
    helpers.submitted_check(world)
    closed = helpers.closed_check(world)
    elsewhere = helpers.closed_check(world, target=world.stranger)
    db.session.commit()
    street_hr = as_role("street_hr")
    listing = street_hr.get("/integrity/checks").get_data(as_text=True)
    assert closed.number in listing and elsewhere.number not in listing
    assert "1 in all" in listing or "共 1" in listing or ">1<" in listing
    stats = queries.statistics(world.street_hr, helpers.dt.date(2025, 1, 1), helpers.dt.date(2025, 12, 31))
    assert stats["total"] == 1
    export = street_hr.get("/integrity/reports/export?start=2025-01-01&end=2025-12-31")
    from openpyxl import load_workbook

    sheet = load_workbook(__import__("io").BytesIO(export.data)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [closed.number]


def test_plans_draws_and_open_lists_answer_only_inspectors_and_admins(app, world, as_role):
    plan = helpers.plan(world.inspector)
    db.session.commit()
    for role in ("hr_clerk", "street_hr", "officer"):
        client = as_role(role)
        assert client.get(f"/integrity/plans/{plan.id}").status_code == 403
        assert client.get(f"/integrity/plans/{MISSING}").status_code == 403  # the same answer
        assert client.get("/integrity/draws").status_code == 403


def test_evidence_is_an_attachment_with_nosniff_for_those_allowed_and_each_read_is_logged(app, world, as_role):
    check = helpers.draft_check(world)
    helpers.finding(check, world)
    item = helpers.upload(check, world, name="现场.jpg")
    from hrapp.integrity import services

    services.submit_check(check, world.inspector)
    db.session.commit()
    assert as_role("street_hr").get(f"/integrity/evidence/{item.id}").status_code == 404  # still open
    services.close_check(check, world.inspector)
    db.session.commit()
    response = as_role("street_hr").get(f"/integrity/evidence/{item.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "image/jpeg"
    assert response.data == helpers.JPEG
    other_street = helpers.closed_check(world, target=world.stranger)
    db.session.commit()
    assert as_role("officer").get(f"/integrity/evidence/{item.id}").status_code == 403
    reads = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity == "integrity_evidence", AuditEvent.action == "read")
    ).all()
    assert [(event.actor_name, event.entity_id) for event in reads] == [("street_hr", str(item.id))]
    assert other_street.id


def test_every_read_of_a_check_is_logged_and_admins_read_the_log(app, world, as_role):
    check = helpers.closed_check(world)
    db.session.commit()
    as_role("officer").get(f"/integrity/checks/{check.id}")
    as_role("street_hr").get(f"/integrity/checks/{check.id}")
    as_role("officer").get(f"/integrity/checks/{MISSING}")  # nothing read, nothing logged
    reads = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity == "integrity_checks", AuditEvent.action == "read")
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_name, e.entity_id, e.changes["number"]) for e in reads] == [
        ("officer", str(check.id), check.number),
        ("street_hr", str(check.id), check.number),
    ]
    assert all(e.officer_id is None for e in reads)  # not shown in the officer's own history
    log = as_role("admin").get("/integrity/read-log")
    assert log.status_code == 200 and "street_hr" in log.get_data(as_text=True)
    assert as_role("inspector").get("/integrity/read-log").status_code == 403


def test_certification_candidates_do_not_reveal_an_open_check(app, world):
    """HR's candidates page counts closed findings only: an open 重大 finding must not show."""

    check = helpers.submitted_check(world, code="F06", severity=4)
    source = db.session.execute(queries.findings_source()).all()
    assert source == []
    from hrapp.integrity import services

    services.close_check(check, world.inspector)
    source = db.session.execute(queries.findings_source()).all()
    assert [(row.officer_id, row.severity) for row in source] == [(world.officer.id, 4)]
    from hrapp.certification.rules import evidence

    assert evidence.INTEGRITY_FINDINGS_SOURCE is queries.findings_source


def test_a_list_read_is_logged_with_the_checks_it_showed(app, world, as_role):
    own = helpers.closed_check(world)
    helpers.closed_check(world, target=world.stranger)
    db.session.commit()
    as_role("street_hr").get("/integrity/checks")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity_id == "list"))
    assert (event.actor_name, event.changes["numbers"]) == ("street_hr", [own.number])
