"""The audit trail as people read it: labels for records and fields, values as the pages show
them, Shanghai time, links; the stored rows keep their raw form."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import url_for

from hrapp.certification.models import PromotionCase
from hrapp.core.audit import AuditEvent, reset_actor, set_actor
from hrapp.core.audit_display import audited_columns, audited_models, missing_labels, present
from hrapp.extensions import db
from hrapp.officers.models import Officer
from tests.certification.helpers import ladder
from tests.conftest import client_as


@pytest.fixture
def acting_as():
    tokens = []
    yield lambda user: tokens.append(set_actor(user.id, user.username))
    for token in reversed(tokens):
        reset_actor(token)


def test_every_audited_model_and_column_has_a_label():
    """A new audited model or column in any domain must bring its labels (see core/audit.py)."""
    assert missing_labels() == []


def test_a_column_without_a_label_is_reported(monkeypatch):
    labels = dict(Officer.__audit_fields__)
    del labels["education"]
    monkeypatch.setattr(Officer, "__audit_fields__", labels)
    monkeypatch.setattr(PromotionCase, "__audit_label__", None)
    assert missing_labels() == ["officers.education", "promotion_cases"]


def test_the_label_check_covers_every_audited_table_and_column():
    models = audited_models()
    assert {"officers", "postings", "users", "grids", "promotion_cases", "tier_records"} <= set(models)
    assert "education" in audited_columns(models["officers"])
    assert "password_hash" not in audited_columns(models["users"]), "excluded columns are never shown"
    assert "id" not in audited_columns(models["officers"]), "the record column names the row"


def test_every_record_link_builds(app):
    with app.test_request_context():
        for table, model in audited_models().items():
            if model.__audit_link__ is not None:
                endpoint, values = model.__audit_link__(1, 1)
                assert url_for(endpoint, **values), table


def test_record_titles_name_real_attributes_loaded_with_the_row():
    """A dotted title goes through a joined relationship: naming a page of rows stays one query."""
    for table, model in audited_models().items():
        if model.__audit_title__ is None:
            continue
        first, *rest = model.__audit_title__.split(".")
        assert hasattr(model, first), table
        if rest:
            relationship = sa.inspect(model).relationships[first]
            assert relationship.lazy == "joined", table
            assert hasattr(relationship.mapper.class_, rest[0]), table


def approved_case(world, acting_as) -> PromotionCase:
    tiers = ladder()
    acting_as(world.hr)
    case = PromotionCase(
        officer_id=world.officer.id,
        kind="promotion",
        status="submitted",
        from_tier_id=tiers["probation"].id,
        from_step=1,
        to_tier_id=tiers["junior"].id,
        to_step=1,
        effective_on=dt.date(2026, 7, 1),
        proposed_by_id=world.hr.id,
        snapshot={"criteria": [1, 2]},
    )
    db.session.add(case)
    db.session.commit()
    acting_as(world.admin)
    assert case.status == "submitted"  # loaded, as the deciding service does, so the trail has the old value
    case.status = "approved"
    case.decided_by_id = world.admin.id
    case.decided_at = dt.datetime(2026, 11, 30, 2, 5)  # UTC: 10:05 in Shanghai
    db.session.commit()
    return case


def update_officer(world, acting_as) -> None:
    acting_as(world.admin)
    world.officer.education = "master"
    db.session.commit()
    assert (world.officer.education, world.officer.status) == ("master", "active")
    world.officer.education = "college"
    world.officer.status = "leave"
    db.session.commit()


def test_values_show_names_labels_and_local_time(world, acting_as, app):
    case = approved_case(world, acting_as)
    update_officer(world, acting_as)
    world.hr.display_name = "人事王"
    db.session.commit()
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        lines = {(line.event.entity, line.event.action, line.event.id): line for line in present(events)}
    decided = next(line for key, line in lines.items() if key[:2] == ("promotion_cases", "update"))
    changes = {change.label: (change.before, change.after) for change in decided.changes}
    assert changes == {
        "Status": ("Submitted", "Approved"),
        "Decided by": ("—", "admin"),
        "Decided at": ("—", "2026-11-30 10:05"),
    }
    assert (decided.record_label, decided.record_title) == ("Promotion case", f"{world.officer.name} · Promotion")
    assert decided.record_url == f"/certification/cases/{case.id}"
    created = next(line for key, line in lines.items() if key[:2] == ("promotion_cases", "create"))
    shown = {change.label: change.after for change in created.changes}
    assert shown["Tier before"] == "Probation (见习)" and shown["Tier after"] == "Junior (初级)"
    assert shown["Proposed by"] == "人事王", "the user's name as of now, not their id"
    assert shown["Eligibility when proposed"] == "recorded"
    assert "Decision comment" not in shown, "a new record's blank fields are left out"
    assert all(change.before is None for change in created.changes), "a creation shows the new values only"
    assert created.actor == "人事王"
    officer_lines = [line for key, line in lines.items() if key[:2] == ("officers", "update")]
    assert [(c.label, c.before, c.after) for c in officer_lines[-1].changes if c.label == "Education"] == [
        ("Education", "Master or above", "College (大专)")
    ]
    # The stored rows are untouched: codes and ids stay as they were written.
    stored = db.session.get(AuditEvent, decided.event.id)
    assert stored.changes["status"] == ["submitted", "approved"]
    assert stored.changes["decided_by_id"] == [None, world.admin.id]


def test_a_deleted_or_unknown_record_is_named_by_id_without_a_link(world, acting_as, app):
    acting_as(world.admin)
    db.session.add(
        AuditEvent(
            actor_id=None,
            actor_name="system",
            entity="officers",
            entity_id="99999",
            action="delete",
            changes={"status": [{"odd": "shape"}, None], "name": ["赵六", None]},
        )
    )
    db.session.add(AuditEvent(actor_name="system", entity="officers", entity_id="y", action="read", changes=["x"]))
    db.session.add(
        AuditEvent(
            actor_name="system", entity="retired_table", entity_id="x", action="delete", changes={"a": [1, None]}
        )
    )
    db.session.commit()
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_id.in_(["99999", "x", "y"])).order_by(AuditEvent.id)
    )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        gone, odd, unknown = present(events)
    assert (gone.record_label, gone.record_title, gone.record_url) == ("Officer", "#99999", None)
    assert [(change.label, change.before, change.after) for change in gone.changes] == [
        ("Employment status", None, "recorded"),
        ("Name", None, "赵六"),
    ], "a deletion shows the values the record had"
    assert (odd.record_title, odd.changes) == ("#y", [])
    assert (unknown.record_label, unknown.record_title, unknown.changes[0].label, unknown.changes[0].after) == (
        "retired_table",
        "#x",
        "a",
        "1",
    )


def set_locale(user, locale: str) -> None:
    user.locale = locale
    db.session.commit()


def test_admin_audit_page_reads_in_chinese(world, acting_as, app):
    case = approved_case(world, acting_as)
    update_officer(world, acting_as)
    set_locale(world.admin, "zh_CN")
    page = client_as(app, world, "admin", isolated=True).get("/admin/audit").get_data(as_text=True)
    for shown in ("晋级案件", "已批准", "审批人", "2026-11-30 10:05", "学历", "大专", "网格员"):
        assert shown in page, shown
    table = page.split('data-testid="audit"')[1]
    for raw in ("promotion_cases", "decided_by_id", "approved", "2026-11-30T02:05", "education", "officers#"):
        assert raw not in table, raw
    assert f'href="/certification/cases/{case.id}"' in page
    assert f'href="/officers/{world.officer.id}"' in page
    options = page.split('name="entity"')[1].split("</select>")[0]
    assert 'value="promotion_cases"' in options and "晋级案件" in options
    assert ">promotion_cases<" not in options


def test_admin_audit_page_reads_in_english_and_filters_by_record(world, acting_as, app):
    approved_case(world, acting_as)
    update_officer(world, acting_as)
    set_locale(world.admin, "en")
    page = client_as(app, world, "admin", isolated=True).get("/admin/audit?entity=officers").get_data(as_text=True)
    table = page.split('data-testid="audit"')[1]
    assert "Employment status" in table and "On leave" in table
    assert "Promotion case" not in table


def test_officer_history_uses_the_same_rendering(world, acting_as, as_role):
    approved_case(world, acting_as)
    update_officer(world, acting_as)
    set_locale(world.hr, "en")
    page = as_role("hr_clerk").get(f"/officers/{world.officer.id}/history").get_data(as_text=True)
    table = page.split('data-testid="audit"')[1]
    assert "Promotion case" in table and "Approved" in table and "Master or above" in table
    assert "promotion_cases" not in table and "officers#" not in table


def bulk_events(world, count: int) -> None:
    """`count` changes of promotion cases and officers, naming users, tiers and officers."""
    tiers = ladder()
    rows = []
    for n in range(count):
        rows.append(
            {
                "actor_id": world.hr.id,
                "actor_name": "hr",
                "entity": "promotion_cases" if n % 2 else "officers",
                "entity_id": str(n + 1),
                "action": "update",
                "officer_id": world.officer.id,
                "changes": {"decided_by_id": [None, world.admin.id], "to_tier_id": [tiers["junior"].id, None]}
                if n % 2
                else {"street_id": [world.street.id, world.other_street.id], "status": ["active", "leave"]},
            }
        )
    db.session.execute(sa.insert(AuditEvent), rows)
    db.session.commit()


@pytest.mark.parametrize("path", ["/admin/audit", "/officers/{officer}/history"])
def test_audit_pages_query_count_does_not_grow_with_page_length(world, app, monkeypatch, query_counter, path):
    bulk_events(world, 60)
    client = client_as(app, world, "admin", isolated=True)
    url = path.format(officer=world.officer.id)
    counts = {}
    for size in (5, 50):
        monkeypatch.setitem(app.config, "PAGE_SIZE", size)
        with query_counter() as statements:
            page = client.get(url).get_data(as_text=True)
        assert page.count('data-testid="audit-record"') == size
        counts[size] = len(statements)
    assert counts[5] == counts[50], counts
