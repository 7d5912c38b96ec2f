"""Masked personal data stays masked: search, the profile, and ID numbers in other scripts."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hrapp.core import idcard
from hrapp.core.audit import AuditEvent
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.officers import services
from hrapp.officers.models import Officer
from tests.factories import valid_id_number


@pytest.fixture
def as_user(as_role):
    def make(role):
        client = as_role(role)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def found(client, q: str) -> set[str]:
    page = client.get("/officers/", query_string={"q": q}).get_data(as_text=True)
    return {name for name in ("张三", "李四", "王五") if f">{name}</a>" in page}


def reveals() -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "reveal_id")).all()


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["inspector", "street_hr", "admin"])
def test_searching_digits_cannot_narrow_an_id_number_beyond_the_shown_four(world, as_user, role):
    """The attack: the last four are shown; try each digit before them. Every try must look alike."""
    client = as_user(role)
    shown = world.officer.id_number[-4:]
    assert found(client, shown) >= {"张三"}
    hidden_digit = world.officer.id_number[-5]
    outcomes = {digit: found(client, digit + shown) for digit in "0123456789"}
    assert outcomes[hidden_digit] == set(), "a five-character suffix matched: one hidden digit learnt"
    assert len({frozenset(result) for result in outcomes.values()}) == 1
    assert found(client, world.officer.id_number[-10:]) == set()
    assert found(client, world.officer.id_number[:-1]) == set()


def test_an_inspector_cannot_confirm_a_guessed_full_number(world, as_user):
    assert found(as_user("inspector"), world.officer.id_number) == set()
    assert reveals() == []


def test_a_full_number_search_by_hr_finds_the_officer_and_is_logged_as_a_reveal(world, as_user):
    assert found(as_user("street_hr"), world.officer.id_number.lower()) == {"张三"}
    [event] = reveals()
    assert (event.actor_name, event.officer_id, event.changes.get("via")) == ("street_hr", world.officer.id, "search")


def test_a_street_hr_cannot_confirm_the_number_of_another_streets_officer(world, as_user):
    assert found(as_user("street_hr"), world.stranger.id_number) == set()
    assert reveals() == []


def test_a_full_number_search_in_the_export_is_logged_too(world, as_user):
    response = as_user("hr_clerk").get("/officers/export.csv", query_string={"q": world.stranger.id_number})
    assert world.stranger.employee_no in response.get_data(as_text=True)
    assert [event.officer_id for event in reveals()] == [world.stranger.id]


def test_a_five_digit_search_exports_nothing(world, as_user):
    body = (
        as_user("hr_clerk")
        .get("/officers/export.csv", query_string={"q": world.officer.id_number[-5:]})
        .get_data(as_text=True)
    )
    assert world.officer.employee_no not in body


# --- profile ---------------------------------------------------------------------------------


def test_the_inspector_does_not_see_the_birth_date(world, as_user):
    birth = world.officer.birth_date.isoformat()
    assert birth not in as_user("inspector").get(f"/officers/{world.officer.id}").get_data(as_text=True)
    assert birth in as_user("street_hr").get(f"/officers/{world.officer.id}").get_data(as_text=True)
    assert birth in as_user("officer").get("/me").get_data(as_text=True)


# --- ID numbers in other scripts -------------------------------------------------------------

FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_fullwidth_digits_are_normalised_to_ascii():
    number = "11010519491231002X"
    assert idcard.parse(number.translate(FULLWIDTH)).value == number
    assert idcard.parse(" 1101 0519 4912 3100 2ｘ").value == number


@pytest.mark.parametrize("digits", ["٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"])
def test_digits_of_other_scripts_are_refused_or_become_ascii(digits):
    number = "11010519491231002X"
    spelt = number.translate(str.maketrans("0123456789", digits))
    try:
        value = idcard.parse(spelt).value
    except idcard.InvalidIdNumber:
        return
    assert value == number  # NFKC maps mathematical digits to ASCII


def test_a_fullwidth_spelling_of_a_registered_number_is_a_duplicate(world):
    values = {
        "employee_no": "N0001",
        "name": "赵六",
        "id_number": world.officer.id_number.translate(FULLWIDTH),
        "street_id": world.street.id,
        "hire_date": dt.date(2020, 1, 1),
    }
    with force_locale("en"), pytest.raises(DomainError, match="belongs to another officer"):
        services.create_officer(values, acting=world.hr)


def test_a_fullwidth_number_is_stored_in_ascii(world):
    number = valid_id_number(dt.date(1992, 8, 8))
    values = {
        "employee_no": "N0001",
        "name": "赵六",
        "id_number": number.translate(FULLWIDTH),
        "street_id": world.street.id,
        "hire_date": dt.date(2020, 1, 1),
    }
    officer = services.create_officer(values, acting=world.hr)
    assert officer.id_number == number
    assert db.session.scalar(sa.select(Officer.id).where(Officer.id_number == number)) == officer.id


def test_the_form_refuses_a_fullwidth_duplicate(world, as_user):
    data = {
        "employee_no": "N0001",
        "name": "赵六",
        "id_number": world.colleague.id_number.translate(FULLWIDTH),
        "street_id": str(world.street.id),
        "hire_date": "2020-01-01",
        "status": "active",
    }
    page = as_user("street_hr").post("/officers/new", data=data).get_data(as_text=True)
    assert "This ID number belongs to another officer." in page
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Officer.id))) == 3


# --- correcting an ID number -----------------------------------------------------------------


def test_an_id_number_is_corrected_on_the_profile_with_a_reason_and_logged(world, as_user):
    client = as_user("street_hr")
    old_mask = world.officer.masked_id_number
    assert "Correct ID number" in client.get(f"/officers/{world.officer.id}").get_data(as_text=True)
    corrected = valid_id_number(dt.date(1988, 2, 29))
    url = f"/officers/{world.officer.id}/correct-id"
    page = client.post(url, data={"id_number": corrected, "reason": ""}).get_data(as_text=True)
    assert "This field is required." in page
    response = client.post(url, data={"id_number": corrected.translate(FULLWIDTH), "reason": "户籍证明更正"})
    assert response.status_code == 302
    db.session.expire_all()
    officer = db.session.get(Officer, world.officer.id)
    assert (officer.id_number, officer.birth_date) == (corrected, dt.date(1988, 2, 29))
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "correct_id"))
    assert (event.actor_name, event.officer_id, event.changes["reason"]) == ("street_hr", officer.id, "户籍证明更正")
    update = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.entity == "officers")
    )
    assert update.changes["id_number"] == [old_mask, idcard.mask(corrected)]


def test_a_correction_to_a_registered_number_is_refused(world, as_user):
    page = (
        as_user("hr_clerk")
        .post(
            f"/officers/{world.officer.id}/correct-id",
            data={"id_number": world.stranger.id_number, "reason": "录入错误"},
        )
        .get_data(as_text=True)
    )
    assert "This ID number belongs to another officer." in page
    db.session.expire_all()
    assert db.session.get(Officer, world.officer.id).id_number == world.officer.id_number


def test_the_edit_form_cannot_change_an_id_number(world, as_user):
    data = {
        "employee_no": world.officer.employee_no,
        "name": world.officer.name,
        "id_number": valid_id_number(dt.date(1988, 2, 29)),
        "street_id": str(world.street.id),
        "hire_date": "2018-03-01",
        "status": "active",
        "version": str(world.officer.version),
    }
    page = as_user("hr_clerk").post(f"/officers/{world.officer.id}/edit", data=data).get_data(as_text=True)
    assert "changed only by a correction on the profile" in page
    db.session.expire_all()
    assert db.session.get(Officer, world.officer.id).id_number == world.officer.id_number


@pytest.mark.parametrize("role", ["inspector", "officer"])
def test_only_hr_may_correct_an_id_number(world, as_user, role):
    response = as_user(role).post(
        f"/officers/{world.officer.id}/correct-id", data={"id_number": valid_id_number(), "reason": "xxxx"}
    )
    assert response.status_code == 403


def test_a_street_hr_probing_another_streets_officer_gets_404(world, as_user):
    response = as_user("street_hr").post(
        f"/officers/{world.stranger.id}/correct-id", data={"id_number": valid_id_number(), "reason": "xxxx"}
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Officer, world.stranger.id).id_number == world.stranger.id_number
