"""Draft → submitted (locked) → closed; corrections after submission are amendments."""

from __future__ import annotations

import decimal

import pytest
import sqlalchemy as sa

from hrapp.core.audit import AuditEvent
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.integrity import services
from hrapp.integrity.models import Check, Evidence, Finding, LockedRecord, finding_officers
from tests.integrity import helpers


def test_a_new_check_is_a_numbered_draft_with_the_checklist_of_its_target_type(world):
    check = helpers.draft_check(world)
    assert check.status == "draft"
    assert check.number.startswith("JC")
    assert check.template.target_type == "officer" and check.template.version == 1
    assert check.street_id == world.officer.street_id
    assert {row.user_id for row in check.inspectors} >= {world.inspector.id}


def test_severity_and_deduction_default_from_the_code_and_can_be_adjusted(world):
    check = helpers.draft_check(world)
    default = helpers.finding(check, world, code="F06")
    adjusted = helpers.finding(check, world, code="F03", severity=2, deduction=decimal.Decimal("1.5"))
    assert (default.severity, default.deduction) == (3, decimal.Decimal("10"))
    assert (adjusted.severity, adjusted.deduction) == (2, decimal.Decimal("1.5"))
    assert [o.id for o in default.responsible] == [world.officer.id]  # the target, unless named otherwise


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("one_inspector", "at least two inspectors"),
        ("undeclared", "No conflict of interest declared"),
        ("no_result", "Choose a result"),
        ("r0_with_finding", "Result R0 means no finding"),
        ("no_reason", "not drawn for the period"),
    ],
)
def test_submission_refuses_an_incomplete_check(world, change, message):
    values = {"outside_draw_reason": "" if change == "no_reason" else "线索"}
    if change == "no_result":
        values["result_code"] = None
    if change == "r0_with_finding":
        values["result_code"] = "R0"
    check = helpers.draft_check(world, **values)
    helpers.finding(check, world)
    if change == "one_inspector":
        services.save_draft(check, {**_values(check), "inspector_ids": [world.inspector.id]}, world.inspector)
        check.inspectors[:] = [row for row in check.inspectors if row.user_id == world.inspector.id]
        db.session.flush()
    if change == "undeclared":
        for row in check.inspectors:
            if row.user_id != world.inspector.id:
                row.no_conflict = False
        db.session.flush()
    with pytest.raises(DomainError, match=message):
        services.submit_check(check, world.inspector)
    assert check.status == "draft"


def _values(check):
    return {
        "target_type": check.target_type,
        "target_officer_id": check.target_officer_id,
        "place": check.place,
        "started_at": check.started_at,
        "ended_at": check.ended_at,
        "method": check.method,
        "result_code": check.result_code,
        "outside_draw_reason": check.outside_draw_reason,
        "notes": check.notes,
    }


def test_a_submitted_finding_cannot_change_through_the_services(world):
    check = helpers.submitted_check(world)
    finding = check.findings[0]
    with pytest.raises(DomainError):
        services.add_finding(check, {"code": "F02"}, world.inspector)
    with pytest.raises(DomainError):
        services.remove_finding(check, finding, world.inspector)
    with pytest.raises(DomainError):
        helpers.upload(check, world)
    with pytest.raises(DomainError):
        services.save_draft(check, {**_values(check), "place": "别处"}, world.inspector)


def test_a_submitted_finding_cannot_change_through_the_orm_or_bulk_statements(world):
    check = helpers.submitted_check(world)
    db.session.commit()
    finding = db.session.get(Finding, check.findings[0].id)
    finding.severity = 1
    with pytest.raises(LockedRecord):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(LockedRecord):
        db.session.execute(sa.update(Finding).where(Finding.id == finding.id).values(severity=1))
    db.session.rollback()
    with pytest.raises(LockedRecord):
        db.session.delete(db.session.get(Finding, finding.id))
        db.session.flush()
    db.session.rollback()
    check = db.session.get(Check, check.id)
    check.place = "改写"
    with pytest.raises(LockedRecord):
        db.session.flush()
    db.session.rollback()
    db.session.add(Finding(check_id=check.id, code="F02", severity=1, deduction=1, found_on=finding.found_on))
    with pytest.raises(LockedRecord):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Finding, finding.id).severity == 2
    assert db.session.scalar(sa.select(sa.func.count(Finding.id)).where(Finding.check_id == check.id)) == 1


def test_evidence_of_a_submitted_check_cannot_be_removed_or_added(world):
    check = helpers.draft_check(world)
    helpers.finding(check, world)
    item = helpers.upload(check, world)
    services.submit_check(check, world.inspector)
    db.session.commit()
    with pytest.raises(LockedRecord):
        db.session.delete(db.session.get(Evidence, item.id))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DomainError):
        services.remove_evidence(
            db.session.get(Check, check.id), db.session.get(Evidence, item.id), world.inspector, helpers.evidence_dir()
        )
    assert (helpers.evidence_dir() / item.stored_name).is_file()


def test_no_route_changes_a_submitted_finding(app, world, as_role):
    check = helpers.submitted_check(world)
    finding_id = check.findings[0].id
    db.session.commit()
    inspector = as_role("inspector")
    posts = [
        (f"/integrity/checks/{check.id}/findings", {"code": "F02"}),
        (f"/integrity/checks/{check.id}/findings/{finding_id}/remove", {}),
        (f"/integrity/checks/{check.id}/edit", {"target_type": "officer", "place": "别处", "method": "observation"}),
        (
            f"/integrity/checks/{check.id}/autosave",
            {"target_type": "officer", "place": "别处", "method": "observation"},
        ),
        (f"/integrity/checks/{check.id}/evidence", {"file": (__import__("io").BytesIO(helpers.JPEG), "a.jpg")}),
    ]
    for url, data in posts:
        response = inspector.post(url, data=data)
        assert response.status_code in (302, 409), url
    db.session.expire_all()
    stored = db.session.get(Check, check.id)
    assert [(f.id, f.code, f.severity) for f in stored.findings] == [(finding_id, "F01", 2)]
    assert stored.place == "便民服务窗口" and stored.evidence == []


def test_close_only_after_submission(world):
    check = helpers.draft_check(world)
    with pytest.raises(DomainError):
        services.close_check(check, world.inspector)
    helpers.finding(check, world)
    services.submit_check(check, world.inspector)
    services.close_check(check, world.inspector)
    assert check.status == "closed" and check.closed_by_id == world.inspector.id


def test_an_amendment_replaces_the_finding_and_records_what_changed_who_and_why(world):
    check = helpers.submitted_check(world)
    old = check.findings[0]
    amendment = services.amend_check(
        check, {old.id: {"severity": 3, "deduction": decimal.Decimal("5")}}, "复核录像后认定情节严重", world.inspector
    )
    db.session.flush()
    assert amendment.created_by_id == world.inspector.id and amendment.reason == "复核录像后认定情节严重"
    assert {(c["field"], c["before"], c["after"]) for c in amendment.changes} == {
        ("severity", 2, 3),
        ("deduction", "3.0", "5"),
    }
    current = check.current_findings
    assert len(current) == 1 and current[0].amends_id == old.id and current[0].severity == 3
    assert old.severity == 2  # the submitted row is untouched
    assert [o.id for o in current[0].responsible] == [world.officer.id]


def test_an_amendment_needs_a_reason_and_a_change(world):
    check = helpers.submitted_check(world)
    finding = check.findings[0]
    with pytest.raises(DomainError, match="reason"):
        services.amend_check(check, {finding.id: {"severity": 3}}, " ", world.inspector)
    with pytest.raises(DomainError, match="Nothing was changed"):
        services.amend_check(check, {finding.id: {"severity": finding.severity}}, "无", world.inspector)


def test_a_withdrawn_finding_leaves_the_findings_in_force(world):
    check = helpers.submitted_check(world)
    services.amend_check(check, {check.findings[0].id: {"withdraw": True}}, "误认", world.inspector)
    db.session.flush()
    assert check.current_findings == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(finding_officers)) == 2


def test_the_amendment_page_records_an_amendment(app, world, as_role):
    check = helpers.submitted_check(world)
    finding_id = check.findings[0].id
    db.session.commit()
    response = as_role("inspector").post(
        f"/integrity/checks/{check.id}/amend",
        data={"finding_id": finding_id, "severity": "1", "reason": "当事人已说明"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [f.severity for f in db.session.get(Check, check.id).current_findings] == [1]
    refused = as_role("inspector").post(
        f"/integrity/checks/{check.id}/amend", data={"finding_id": finding_id, "severity": "2"}
    )
    assert refused.status_code == 200  # no reason: the form again, nothing changed
    db.session.expire_all()
    assert [f.severity for f in db.session.get(Check, check.id).current_findings] == [1]


def test_every_change_is_audited(world):
    check = helpers.submitted_check(world)
    entities = set(db.session.scalars(sa.select(AuditEvent.entity).where(AuditEvent.entity.like("integrity%"))))
    assert {"integrity_checks", "integrity_findings", "integrity_plans", "integrity_check_inspectors"} <= entities
    assert check.submitted_by_id == world.inspector.id


def test_the_phone_form_saves_a_draft_and_submits_it(app, world, as_role, client):
    partner = helpers.second_inspector()
    plan = helpers.plan(world.inspector)
    db.session.commit()
    inspector = as_role("inspector")
    form = {
        "target_type": "officer",
        "target_officer_id": str(world.officer.id),
        "place": "便民服务中心3号窗口",
        "started_at": "2025-05-06T09:30",
        "ended_at": "2025-05-06T10:10",
        "method": "mystery_shopper",
        "inspector_ids": [str(world.inspector.id), str(partner.id)],
        "declare_no_conflict": "y",
        "item-0": "fail",
        "item-1": "pass",
        "result_code": "R1",
        "outside_draw_reason": "群众举报",
    }
    response = inspector.post(f"/integrity/plans/{plan.id}/checks/new", data=form)
    assert response.status_code == 302
    check = db.session.scalar(sa.select(Check))
    assert check.checklist == {"0": "fail", "1": "pass"}
    assert check.started_at.hour == 1 and check.started_at.minute == 30  # 09:30 Shanghai is 01:30 UTC
    services.declare_no_conflict(check, partner)
    db.session.commit()
    inspector.post(
        f"/integrity/checks/{check.id}/findings", data={"code": "F03", "responsible_ids": [str(world.officer.id)]}
    )
    db.session.expire_all()
    version = db.session.get(Check, check.id).version
    stale = inspector.post(f"/integrity/checks/{check.id}/edit", data={**form, "version": str(version - 1)})
    assert "Someone else saved this check" in stale.get_data(as_text=True) or "其他人" in stale.get_data(as_text=True)
    response = inspector.post(
        f"/integrity/checks/{check.id}/edit", data={**form, "version": str(version), "action": "submit"}
    )
    db.session.expire_all()
    check = db.session.get(Check, check.id)
    assert check.status == "submitted", response.get_data(as_text=True)[:500]


def test_the_integrity_trail_reads_in_chinese_with_codes_by_their_labels(app):
    from flask_babel import force_locale

    from hrapp.core.audit_display import audited_models, missing_labels
    from hrapp.integrity import models

    integrity = {table: model for table, model in audited_models().items() if table.startswith("integrity_")}
    assert len(integrity) == 11
    assert [entry for entry in missing_labels() if entry.startswith("integrity_")] == []
    with app.test_request_context(), force_locale("zh"):
        assert str(models.Check.__audit_label__) == "明察暗访检查"
        assert str(models.Check.__audit_fields__["result_code"]) == "处理结果"
        assert str(models.Rectification.__audit_fields__["notice_no"]) == "整改通知书编号"
        assert str(models.Finding.__audit_choices__["code"]["F06"]).startswith("F06")
    assert models.Finding.__audit_choices__["severity"] is models.SEVERITIES


def test_a_logged_read_of_a_check_reads_by_its_labels_in_the_trail(app, world):
    from flask_babel import force_locale

    from hrapp.core.audit import log_read
    from hrapp.core.audit_display import present

    check = helpers.draft_check(world)
    log_read("integrity_checks", check.id, detail={"number": check.number, "what": "edit"}, actor=world.inspector)
    db.session.flush()
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "read")).one()
    with app.test_request_context():
        with force_locale("en"):
            [line] = present([event])
            assert [(change.label, change.after) for change in line.changes] == [
                ("Number", check.number),
                ("Read on", "Check form"),
            ]
            assert line.record_label == "Integrity check" and line.record_title == check.number
            assert line.record_url == f"/integrity/checks/{check.id}"
        with force_locale("zh"):
            [line] = present([event])
            assert [(change.label, change.after) for change in line.changes] == [
                ("编号", check.number),
                ("查看位置", "检查填报表"),
            ]


def test_the_background_autosave_stores_the_draft_and_refuses_a_stale_version(app, world, as_role):
    check = helpers.draft_check(world)
    db.session.commit()
    inspector = as_role("inspector")
    form = {**{k: v for k, v in _values(check).items() if v is not None}, "item-2": "fail"}
    form.update(started_at="2025-05-06T09:30", ended_at="2025-05-06T10:10", place="现场（自动保存）")
    response = inspector.post(f"/integrity/checks/{check.id}/autosave", data={**form, "version": str(check.version)})
    assert response.status_code == 200 and response.get_json()["saved"] is True
    db.session.expire_all()
    stored = db.session.get(Check, check.id)
    assert stored.place == "现场（自动保存）" and stored.checklist == {"2": "fail"}
    assert response.get_json()["version"] == stored.version
    stale = inspector.post(f"/integrity/checks/{check.id}/autosave", data={**form, "version": "1", "place": "旧"})
    assert stale.status_code == 409 and stale.get_json()["saved"] is False
    db.session.expire_all()
    assert db.session.get(Check, check.id).place == "现场（自动保存）"
