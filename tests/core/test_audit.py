"""The audit trail: who changed what, with before/after; masked ID numbers; append-only."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hrapp.core.audit import AuditEvent, reset_actor, set_actor
from hrapp.extensions import db
from hrapp.officers import services
from hrapp.officers.models import Officer
from tests.factories import GridFactory, valid_id_number


def events(**where) -> list[AuditEvent]:
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, key) == value)
    return db.session.scalars(stmt).all()


@pytest.fixture
def acting_as():
    tokens = []

    def act(user):
        tokens.append(set_actor(user.id, user.username))

    yield act
    for token in reversed(tokens):
        reset_actor(token)


def test_creating_an_officer_records_actor_entity_and_masked_values(world, acting_as):
    acting_as(world.hr)
    number = valid_id_number(dt.date(1993, 4, 5))
    officer = services.create_officer(
        {
            "employee_no": "A0001",
            "name": "钱七",
            "id_number": number,
            "hire_date": dt.date(2021, 1, 1),
            "street_id": world.street.id,
        },
        acting=world.hr,
    )
    db.session.commit()
    [event] = events(entity="officers", entity_id=str(officer.id))
    assert (event.action, event.actor_id, event.actor_name, event.officer_id) == (
        "create",
        world.hr.id,
        "hr",
        officer.id,
    )
    assert event.changes["name"] == [None, "钱七"]
    assert event.changes["id_number"] == [None, number[:4] + "*" * 10 + number[-4:]]
    assert number not in str(event.changes)


def test_updating_records_only_changed_fields_before_and_after(world, acting_as):
    acting_as(world.admin)
    old_number = world.officer.id_number
    new_number = valid_id_number(dt.date(1990, 5, 17))
    values = {field: getattr(world.officer, field) for field in services.PROFILE_FIELDS}
    services.update_officer(world.officer, values | {"phone": "13700137000"}, expected_version=1, acting=world.admin)
    # An ID number changes only through a correction (the edit form and imports refuse it).
    services.correct_id_number(world.officer, new_number, reason="录入错误", acting=world.admin)
    db.session.commit()
    phone_event, id_event = events(entity="officers", action="update")
    assert phone_event.actor_name == "admin"
    assert phone_event.changes == {"phone": ["13800138000", "13700137000"]}
    event = id_event
    assert event.changes["id_number"] == [
        old_number[:4] + "*" * 10 + old_number[-4:],
        new_number[:4] + "*" * 10 + new_number[-4:],
    ]
    assert "name" not in event.changes
    assert old_number not in str(event.changes) and new_number not in str(event.changes)


def test_password_hashes_never_reach_the_trail(world):
    world.hr.password_hash = "something-else"
    world.hr.display_name = "人事"
    db.session.commit()
    [event] = events(entity="users", action="update")
    assert set(event.changes) == {"display_name"}


def test_audit_rows_cannot_be_updated_through_the_orm(world):
    event = events()[0]
    event.action = "forged"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_audit_rows_cannot_be_deleted_through_the_orm(world):
    db.session.delete(events()[0])
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [sa.update(AuditEvent).values(action="forged"), sa.delete(AuditEvent)])
def test_audit_rows_cannot_be_rewritten_by_bulk_orm_statements(world, statement):
    count = len(events())
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.execute(statement)
    db.session.rollback()
    assert len(events()) == count
    assert not events(action="forged")


def test_a_failed_flush_leaves_no_phantom_audit_row(world):
    """A change whose flush failed and was rolled back never happened: the trail must not say it did."""
    world.officer.employee_no = world.colleague.employee_no  # violates the unique constraint
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    GridFactory(community=world.community)
    db.session.commit()
    assert events(entity="officers", action="update") == []


def test_officer_history_collects_profile_and_posting_events(world):
    services.post_to_grid(world.officer, world.free_grid, start=dt.date(2025, 1, 1), acting=world.hr)
    db.session.commit()
    entities = {(event.entity, event.action) for event in events(officer_id=world.officer.id)}
    assert {("officers", "create"), ("postings", "create"), ("postings", "update")} <= entities
    assert all(event.officer_id == world.officer.id for event in events(officer_id=world.officer.id))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Officer)) == 3
