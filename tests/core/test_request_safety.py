"""Hostile requests are answered, not crashed on: numbers too large for a column, impossible years,
infinite quantities, control characters, racing saves and a busy database; and every page carries
the security headers (with no inline script for its Content-Security-Policy to allow)."""

from __future__ import annotations

import decimal
import inspect
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

import hrapp.models  # noqa: F401  (every domain's forms and models are importable)
from hrapp.certification.models import Tier
from hrapp.core.forms import Form
from hrapp.extensions import db
from hrapp.officers import services as officer_services
from hrapp.officers.models import Officer
from hrapp.training.models import Course
from tests.conftest import client_as
from tests.officers.test_views import edit_data, form_data

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HUGE = str(2**63)


@pytest.fixture
def as_user(as_role):
    def make(role):
        client = as_role(role)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- integers and years --------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"/officers/{HUGE}", f"/officers/{HUGE}/edit", f"/org/streets/{2**31}"])
def test_an_id_beyond_any_column_is_not_found(as_user, path):
    assert as_user("admin").get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        f"/officers/?page={HUGE}",
        f"/officers/?street_id={HUGE}",
        f"/officers/?per_page={HUGE}",
        f"/officers/grids?street_id={HUGE}&page={HUGE}",
        f"/admin/audit?page={HUGE}",
        f"/certification/sessions?course_id={HUGE}",
        "/certification/annual-steps?grade_year=-1",
        f"/certification/annual-steps?grade_year={HUGE}",
        "/certification/annual-steps?grade_year=99999",
    ],
)
def test_query_numbers_out_of_range_fall_back_to_the_default(as_user, query):
    assert as_user("admin").get(query).status_code == 200


# --- numbers and text in forms -------------------------------------------------------------


def course_data(**changes) -> dict:
    return {"code": "C-1", "title": "网格实务", "category": "", "hours": "8", "certificate_months": "", **changes}


@pytest.mark.parametrize("hours", ["1e309", "-1e309", "nan", "sNaN", "Infinity", "1e12"])
def test_course_hours_must_be_a_finite_sane_number(world, as_user, hours):
    client = as_user("admin")
    category = client.get("/certification/courses/new").get_data(as_text=True)
    category = re.search(r'name="category"[^>]*>\s*<option[^>]*value="([^"]+)"', category).group(1)

    response = client.post("/certification/courses/new", data=course_data(hours=hours, category=category))

    assert response.status_code == 200
    assert count(Course) == 0
    assert client.post("/certification/courses/new", data=course_data(category=category)).status_code == 302
    assert count(Course) == 1


def test_tier_training_hours_refuse_infinity(world, as_user):
    db.session.add(Tier(code="T1", ordinal=1, max_step=8, annual_training_hours=decimal.Decimal(40)))
    db.session.commit()
    tier_id = db.session.scalar(sa.select(Tier.id))
    client = as_user("admin")

    response = client.post(
        f"/certification/tiers/{tier_id}/edit", data={"annual_training_hours": "1e309", "max_step": "8"}
    )

    assert response.status_code == 200
    assert "between 0 and 9999" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Tier, tier_id).annual_training_hours == 40
    assert client.get(f"/certification/tiers/{tier_id}/edit").status_code == 200


@pytest.mark.parametrize("name", ["张\x07三", "张\x00三", "a\x1b[31mb", "tab\there", "line\nbreak"])
def test_a_name_with_a_control_character_is_refused(world, as_user, name):
    before = count(Officer)

    response = as_user("hr_clerk").post("/officers/new", data=form_data(world, name=name))

    assert response.status_code == 200
    assert "Remove the control characters from this text." in response.get_data(as_text=True)
    assert count(Officer) == before


def test_multi_line_text_keeps_its_line_breaks_but_not_other_controls():
    from wtforms.validators import StopValidation

    from hrapp.core.forms import NoControlCharacters

    field = type("F", (), {"data": "一行\r\n二行\t三"})()
    NoControlCharacters(multiline=True)(None, field)
    field.data = "响铃\x07"
    with pytest.raises(StopValidation):
        NoControlCharacters(multiline=True)(None, field)


def test_every_form_of_the_application_gets_the_shared_input_checks():
    """A form built on FlaskForm directly would skip the control-character and number checks."""
    from flask_wtf import FlaskForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    escaped = [
        f"{form.__module__}.{form.__name__}"
        for form in subclasses(FlaskForm)
        if form.__module__.startswith("hrapp.") and not issubclass(form, Form)
    ]
    assert not escaped, f"forms not built on hrapp.core.forms.Form: {escaped}"
    assert inspect.getmodule(Form).__name__ == "hrapp.core.forms"


# --- racing saves and a busy database ------------------------------------------------------


def test_a_save_that_loses_a_race_gets_the_conflict_page(world, as_user, monkeypatch):
    """Both saves passed the version check; the other one committed first, so this UPDATE matches
    no row (StaleDataError). Before: a 500 for a third of such races."""
    officer = world.officer
    original = officer_services.update_officer

    def racing(target, values, **kwargs):
        # The other save lands after this request loaded the profile at version 1.
        table = Officer.__table__
        db.session.connection().execute(sa.update(table).where(table.c.id == target.id).values(version=2))
        return original(target, values, **kwargs)

    monkeypatch.setattr(officer_services, "update_officer", racing)

    response = as_user("hr_clerk").post(f"/officers/{officer.id}/edit", data=edit_data(officer, "1", name="张三丰"))

    assert response.status_code == 409
    assert "Someone else changed this record" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Officer, officer.id).name == "张三"


def test_a_duplicate_saved_by_a_racing_request_gets_the_conflict_page(world, as_user, monkeypatch):
    """Both requests passed the service's uniqueness check; the database refuses the second."""
    from sqlalchemy.exc import IntegrityError

    def racing(*args, **kwargs):
        raise IntegrityError("INSERT INTO officers …", {}, Exception("UNIQUE constraint failed: officers.employee_no"))

    monkeypatch.setattr(officer_services, "update_officer", racing)
    officer = world.officer

    response = as_user("hr_clerk").post(f"/officers/{officer.id}/edit", data=edit_data(officer, "1", name="张三丰"))

    assert response.status_code == 409
    assert "Someone else changed this record" in response.get_data(as_text=True)


def test_a_locked_database_answers_busy_try_again(world, as_user, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("UPDATE officers …", {}, Exception("database is locked"))

    monkeypatch.setattr(officer_services, "update_officer", locked)
    officer = world.officer

    response = as_user("hr_clerk").post(f"/officers/{officer.id}/edit", data=edit_data(officer, "1", name="张三丰"))

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "The system is busy. Please try again in a moment." in response.get_data(as_text=True)


def test_other_operational_errors_stay_errors(world, as_user, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT …", {}, Exception("no such table: officers"))

    monkeypatch.setattr(officer_services, "update_officer", broken)
    officer = world.officer

    with pytest.raises(OperationalError):
        as_user("hr_clerk").post(f"/officers/{officer.id}/edit", data=edit_data(officer, "1"))


def test_sqlite_connections_wait_for_a_busy_writer(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


# --- security headers ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_pages_carry_the_security_headers(app, world, role):
    path = "/login" if role == "anonymous" else f"/officers/{world.officer.id}"
    response = client_as(app, world, role, isolated=True).get(path)

    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_error_pages_and_exports_carry_them_too(app, world):
    client = client_as(app, world, "admin", isolated=True)
    for response in (client.get("/officers/99999"), client.get("/officers/export.csv")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(app, world):
    response = client_as(app, world, "anonymous", isolated=True).get("/static/hrapp.js")
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_production_cookies_are_secure():
    import config

    assert config.ProductionConfig.SESSION_COOKIE_SECURE and config.ProductionConfig.REMEMBER_COOKIE_SECURE


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"<style", re.I), "an inline <style> element"),
]


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_no_template_needs_inline_script(template):
    """The Content-Security-Policy forbids inline script: behaviour lives in static/hrapp.js."""
    text = template.read_text(encoding="utf-8")
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{template.name} has {', '.join(found)}"
