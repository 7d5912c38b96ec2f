"""Officer and posting rules, exercised through the services (no HTTP)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from hrapp.core import idcard
from hrapp.core.audit import AuditEvent
from hrapp.errors import Conflict, DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.officers import services
from hrapp.officers.models import Officer, Posting
from tests.factories import GridFactory, OfficerFactory, PostingFactory, valid_id_number


def new_values(world, **changes) -> dict:
    return {
        "employee_no": "N0001",
        "name": "赵六",
        "id_number": valid_id_number(dt.date(1992, 8, 8), male=False),
        "phone": "13900139000",
        "hire_date": dt.date(2020, 1, 1),
        "street_id": world.street.id,
        **changes,
    }


def profile_values(officer: Officer, **changes) -> dict:
    return {field: getattr(officer, field) for field in services.PROFILE_FIELDS} | changes


def open_postings(officer_id: int) -> list[Posting]:
    return db.session.scalars(
        sa.select(Posting).where(Posting.officer_id == officer_id, Posting.effective_to.is_(None))
    ).all()


# --- ID numbers, sex, uniqueness -----------------------------------------------------------


def test_create_derives_birth_date_and_sex_from_the_id_number(world):
    number = idcard.make("440304", dt.date(1991, 2, 3), 124)  # even sequence: female
    officer = services.create_officer(new_values(world, id_number=number.lower()), acting=world.hr)
    assert officer.id_number == number
    assert officer.birth_date == dt.date(1991, 2, 3)
    assert officer.sex == "F"
    assert officer.status == "active"


def with_wrong_check_digit(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("440304199002300021", "impossible birth date"),
        ("44030419900517001", "18 characters"),
        (with_wrong_check_digit(idcard.make("440304", dt.date(1990, 5, 17), 11)), "check digit is wrong"),
    ],
)
def test_an_invalid_id_number_is_refused_with_the_reason_and_nothing_is_saved(world, id_number, message):
    with force_locale("en"), pytest.raises(DomainError) as refused:
        services.create_officer(new_values(world, id_number=id_number), acting=world.hr)
    assert refused.value.field == "id_number"
    assert message in refused.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(Officer.id).where(Officer.employee_no == "N0001")) is None


def test_service_messages_are_chinese_outside_a_request(world):
    """CLI commands and jobs call services with no request: messages use the default locale."""
    with pytest.raises(DomainError) as refused:
        services.create_officer(new_values(world, id_number="44030419900517001"), acting=world.hr)
    assert refused.value.message != "ID number must have 18 characters."
    assert "18" in refused.value.message


def test_a_sex_that_contradicts_the_id_number_is_refused(world):
    female_number = valid_id_number(male=False)
    with pytest.raises(DomainError) as refused:
        services.create_officer(new_values(world, id_number=female_number, sex="M"), acting=world.hr)
    assert refused.value.field == "sex"


def test_duplicate_employee_number_is_refused(world):
    with pytest.raises(DomainError) as refused:
        services.create_officer(new_values(world, employee_no=world.officer.employee_no), acting=world.hr)
    assert refused.value.field == "employee_no"


def test_duplicate_id_number_is_refused(world):
    with pytest.raises(DomainError) as refused:
        services.create_officer(new_values(world, id_number=world.stranger.id_number), acting=world.hr)
    assert refused.value.field == "id_number"


def test_an_officer_keeps_their_own_id_number_on_update(world):
    officer = services.update_officer(
        world.officer, profile_values(world.officer, phone="13700137000"), expected_version=1, acting=world.hr
    )
    assert officer.phone == "13700137000"
    assert officer.version == 2


def test_hire_before_the_sixteenth_birthday_is_refused(world):
    number = idcard.make("440304", dt.date(2010, 1, 1), 11)
    with pytest.raises(DomainError) as refused:
        services.create_officer(new_values(world, id_number=number, hire_date=dt.date(2025, 12, 31)), acting=world.hr)
    assert refused.value.field == "hire_date"


# --- scoping ---------------------------------------------------------------------------------


def test_street_hr_cannot_create_an_officer_in_another_street(world):
    with pytest.raises(PermissionDenied):
        services.create_officer(new_values(world, street_id=world.other_street.id), acting=world.street_hr)
    assert db.session.scalar(sa.select(Officer.id).where(Officer.employee_no == "N0001")) is None


def test_street_hr_cannot_move_an_officer_to_another_street(world):
    with pytest.raises(PermissionDenied):
        services.update_officer(
            world.officer,
            profile_values(world.officer, street_id=world.other_street.id),
            expected_version=1,
            acting=world.street_hr,
        )


def test_street_hr_cannot_edit_or_post_an_officer_of_another_street(world):
    with pytest.raises(PermissionDenied):
        services.update_officer(
            world.stranger, profile_values(world.stranger), expected_version=1, acting=world.street_hr
        )
    with pytest.raises(PermissionDenied):
        services.post_to_grid(world.stranger, world.other_grid, start=dt.date(2025, 1, 1), acting=world.street_hr)


def test_an_officer_cannot_be_posted_to_a_grid_of_another_street(world):
    with pytest.raises(DomainError) as refused:
        services.post_to_grid(world.colleague, world.other_grid, start=dt.date(2025, 1, 1), acting=world.hr)
    assert refused.value.field == "grid_id"
    assert open_postings(world.colleague.id) == []


# --- stale edits -----------------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_the_first_edit_stays(world):
    services.update_officer(
        world.officer, profile_values(world.officer, name="张三丰"), expected_version=1, acting=world.hr
    )
    db.session.commit()
    with pytest.raises(Conflict):
        services.update_officer(
            world.officer, profile_values(world.officer, name="张小三"), expected_version=1, acting=world.admin
        )
    db.session.rollback()
    assert db.session.get(Officer, world.officer.id).name == "张三丰"


# --- one grid, one officer -------------------------------------------------------------------


def test_a_second_officer_on_an_occupied_grid_is_refused_with_the_holder_named(world):
    with pytest.raises(Conflict) as refused:
        services.post_to_grid(world.colleague, world.grid, start=dt.date(2025, 1, 1), acting=world.hr)
    assert world.grid.code in refused.value.message
    assert world.officer.employee_no in refused.value.message
    assert open_postings(world.colleague.id) == []


def test_a_grid_is_refused_even_when_its_posting_starts_later(world):
    PostingFactory(
        officer=OfficerFactory(street=world.street), grid=world.free_grid, effective_from=dt.date(2030, 1, 1)
    )
    with pytest.raises(Conflict):
        services.post_to_grid(world.colleague, world.free_grid, start=dt.date(2025, 1, 1), acting=world.hr)


def test_moving_an_officer_closes_the_previous_posting_and_keeps_history(world):
    new = services.post_to_grid(world.officer, world.free_grid, start=dt.date(2025, 6, 1), acting=world.hr)
    db.session.commit()
    history = db.session.scalars(
        sa.select(Posting).where(Posting.officer_id == world.officer.id).order_by(Posting.effective_from)
    ).all()
    assert [(p.grid_id, p.effective_from, p.effective_to) for p in history] == [
        (world.grid.id, dt.date(2018, 3, 1), dt.date(2025, 6, 1)),
        (world.free_grid.id, dt.date(2025, 6, 1), None),
    ]
    assert new.is_primary
    # The old grid is free again from the move on.
    services.post_to_grid(world.colleague, world.grid, start=dt.date(2025, 6, 1), acting=world.hr)


def test_posting_again_to_the_grid_served_is_refused(world):
    with pytest.raises(Conflict):
        services.post_to_grid(world.officer, world.grid, start=dt.date(2025, 1, 1), acting=world.hr)


def test_a_posting_before_the_hire_date_is_refused(world):
    with pytest.raises(DomainError) as refused:
        services.post_to_grid(world.colleague, world.free_grid, start=dt.date(2017, 1, 1), acting=world.hr)
    assert refused.value.field == "start"


def test_an_inactive_grid_cannot_be_posted(world):
    closed = GridFactory(community=world.community, active=False)
    with pytest.raises(DomainError):
        services.post_to_grid(world.colleague, closed, start=dt.date(2025, 1, 1), acting=world.hr)


def test_departure_ends_open_postings_and_keeps_the_officer(world):
    services.deactivate(world.officer, on=dt.date(2025, 3, 31), acting=world.hr)
    db.session.commit()
    officer = db.session.get(Officer, world.officer.id)
    assert officer.status == "left"
    assert [p.effective_to for p in officer.postings] == [dt.date(2025, 3, 31)]
    with pytest.raises(DomainError):
        services.post_to_grid(officer, world.free_grid, start=dt.date(2025, 5, 1), acting=world.hr)
    with pytest.raises(DomainError):
        services.deactivate(officer, on=dt.date(2025, 4, 30), acting=world.hr)


def test_status_left_through_an_edit_also_ends_postings(world):
    services.update_officer(
        world.officer, profile_values(world.officer, status="left"), expected_version=1, acting=world.hr
    )
    assert open_postings(world.officer.id) == []


def test_end_posting_needs_an_end_after_the_start(world):
    posting = open_postings(world.officer.id)[0]
    with pytest.raises(DomainError):
        services.end_posting(posting, end=dt.date(2018, 3, 1), acting=world.hr)
    services.end_posting(posting, end=dt.date(2024, 12, 31), acting=world.hr)
    assert posting.effective_to == dt.date(2024, 12, 31)
    with pytest.raises(DomainError):
        services.end_posting(posting, end=dt.date(2025, 1, 31), acting=world.hr)


@pytest.mark.parametrize("index", ["uq_postings_open_primary_grid", "uq_postings_open_primary_officer"])
def test_the_database_refuses_a_second_open_primary_posting(world, index):
    """Bypassing the service: the partial unique indexes back the rule on SQLite and PostgreSQL."""
    if index.endswith("grid"):
        row = {"officer_id": world.colleague.id, "grid_id": world.grid.id}
    else:
        row = {"officer_id": world.officer.id, "grid_id": world.free_grid.id}
    with pytest.raises(IntegrityError, match=index if db.engine.dialect.name == "postgresql" else "UNIQUE"):
        db.session.execute(
            sa.insert(Posting).values(**row, effective_from=dt.date(2025, 1, 1), is_primary=True, note="")
        )
    db.session.rollback()


def test_the_database_allows_closed_and_secondary_postings_on_a_served_grid(world):
    db.session.execute(
        sa.insert(Posting).values(
            officer_id=world.colleague.id,
            grid_id=world.grid.id,
            effective_from=dt.date(2010, 1, 1),
            effective_to=dt.date(2011, 1, 1),
            is_primary=True,
            note="",
        )
    )
    db.session.execute(
        sa.insert(Posting).values(
            officer_id=world.colleague.id,
            grid_id=world.grid.id,
            effective_from=dt.date(2025, 1, 1),
            is_primary=False,
            note="",
        )
    )
    db.session.commit()


# --- ID reveal -------------------------------------------------------------------------------


def test_revealing_an_id_number_is_logged(world):
    number = services.reveal_id_number(world.officer, acting=world.hr)
    db.session.commit()
    assert number == world.officer.id_number
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "reveal_id"))
    assert (event.actor_id, event.entity, event.entity_id, event.officer_id) == (
        world.hr.id,
        "officers",
        str(world.officer.id),
        world.officer.id,
    )


def test_an_officer_may_reveal_only_their_own_id_number(world):
    assert services.reveal_id_number(world.officer, acting=world.officer_user) == world.officer.id_number
    with pytest.raises(PermissionDenied):
        services.reveal_id_number(world.colleague, acting=world.officer_user)
    with pytest.raises(PermissionDenied):
        services.reveal_id_number(world.officer, acting=world.inspector)


def test_moving_an_officer_to_another_street_needs_their_posting_ended_first(world):
    values = {
        "employee_no": world.officer.employee_no,
        "name": world.officer.name,
        "id_number": world.officer.id_number,
        "hire_date": world.officer.hire_date,
        "status": "active",
        "street_id": world.other_street.id,
    }
    with force_locale("en"), pytest.raises(DomainError, match="End the officer's current posting"):
        services.update_officer(world.officer, values, expected_version=world.officer.version, acting=world.admin)
