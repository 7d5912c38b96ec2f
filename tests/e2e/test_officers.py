"""HR creates an officer through the real form; an officer account sees only their own profile."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from hrapp.core import idcard
from hrapp.officers.models import Officer
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def _wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_hr_creates_an_officer_after_correcting_a_wrong_id_check_digit(e2e_app, e2e_db, new_page):
    world = factories.build_world()
    id_number = idcard.make("440304", dt.date(1992, 3, 15), 123)
    with e2e_app.test_request_context(), force_locale("zh_CN"):
        check_digit_error = gettext("ID number check digit is wrong.")
        new_officer_title = gettext("New officer")
    page = new_page()
    log_in(page, world.hr.username, factories.PASSWORD)

    page.goto("/officers/")
    page.locator("a[href='/officers/new']").click()
    expect(page.locator("main h1")).to_have_text(new_officer_title)
    page.locator("#employee_no").fill("E90001")
    page.locator("#name").fill("赵六")
    page.locator("#id_number").fill(_wrong_check_digit(id_number))
    page.locator("#phone").fill("13912345678")
    page.locator("#street_id").select_option(label=world.street.name)
    page.locator("#hire_date").fill("2020-06-01")
    page.locator("main form button[type=submit]").click()

    feedback = page.locator("#id_number ~ .invalid-feedback")
    expect(feedback).to_have_text(check_digit_error)
    expect(feedback).to_be_visible()
    expect(page.locator("#id_number")).to_have_class(re.compile(r"\bis-invalid\b"))
    e2e_db.session.rollback()
    assert e2e_db.session.scalar(sa.select(Officer).where(Officer.employee_no == "E90001")) is None

    page.locator("#id_number").fill(id_number)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/officers/\d+$"))

    assert page.locator("h1").inner_text().startswith("赵六")
    assert page.locator("[data-testid=id-number]").inner_text() == idcard.mask(id_number)
    e2e_db.session.rollback()
    officer = e2e_db.session.scalar(sa.select(Officer).where(Officer.employee_no == "E90001"))
    assert officer is not None
    assert (officer.name, officer.id_number, officer.street_id) == ("赵六", id_number, world.street.id)
    assert officer.birth_date == dt.date(1992, 3, 15)
    assert page.url.endswith(f"/officers/{officer.id}")


def test_officer_sees_only_their_own_profile_and_gets_403_on_the_directory(e2e_db, new_page):
    world = factories.build_world()
    own, colleague = world.officer, world.colleague
    page = new_page()
    log_in(page, world.officer_user.username, factories.PASSWORD)

    body = page.locator("main").inner_text()
    assert own.name in body
    assert own.employee_no in body
    assert colleague.name not in body and world.stranger.name not in body
    assert page.locator("[data-testid=id-number]").inner_text() == idcard.mask(own.id_number)
    assert page.locator("nav a.nav-link").count() == 1  # only Home

    response = page.goto("/officers/")
    assert response.status == 403
    assert page.locator("main h1").inner_text() == "403"
    response = page.goto(f"/officers/{colleague.id}")
    assert response.status == 403
