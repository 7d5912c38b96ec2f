"""Training pages: bulk attendance, the attendance import (dry run, row errors, atomicity,
idempotence), the course form and the sessions' sub-navigation."""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa
from flask_babel import force_locale

from hrapp.core import importing
from hrapp.extensions import db
from hrapp.training.importing import attendance_import_spec
from hrapp.training.models import Attendance, Course
from tests.conftest import client_as
from tests.training import helpers

D = dt.date


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
    from hrapp.training.models import Course

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


def test_mandatory_tiers_set_on_the_course_form_are_listed_preselected_and_replaced(app, world):
    """The course ↔ tier link belongs to certification; training reaches it through its hook."""
    from hrapp.certification.models import course_mandatory_tiers
    from tests.certification.helpers import ladder

    tiers = ladder()
    db.session.commit()
    client = client_as(app, world, "admin", isolated=True)
    form = {"code": "M-1", "title": "岗前培训", "category": "induction", "hours": "16", "active": "y"}
    chosen = [str(tiers["junior"].id), str(tiers["senior"].id)]
    assert client.post("/certification/courses/new", data={**form, "mandatory_tier_ids": chosen}).status_code == 302
    course_id = db.session.scalar(sa.select(Course.id).where(Course.code == "M-1"))
    stored = set(
        db.session.scalars(
            sa.select(course_mandatory_tiers.c.tier_id).where(course_mandatory_tiers.c.course_id == course_id)
        )
    )
    assert stored == {tiers["junior"].id, tiers["senior"].id}
    listing = client.get("/certification/courses").get_data(as_text=True)
    row = listing[listing.index('<td class="mono">M-1</td>') :].split("</tr>")[0]
    assert "初级" in row and "高级" in row and "中级" not in row
    edit = client.get(f"/certification/courses/{course_id}/edit").get_data(as_text=True)
    assert f'value="{tiers["junior"].id}" selected' in edit or f'selected value="{tiers["junior"].id}"' in edit
    changed = {**form, "mandatory_tier_ids": [str(tiers["intermediate"].id)]}
    assert client.post(f"/certification/courses/{course_id}/edit", data=changed).status_code == 302
    stored = set(
        db.session.scalars(
            sa.select(course_mandatory_tiers.c.tier_id).where(course_mandatory_tiers.c.course_id == course_id)
        )
    )
    assert stored == {tiers["intermediate"].id}


def test_training_never_imports_certification():
    """Dependencies run one way (DESIGN.md): certification builds on training, not the reverse."""
    import ast
    import pathlib

    import hrapp.training

    for path in pathlib.Path(hrapp.training.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            assert not any(name.startswith("hrapp.certification") for name in names), path
