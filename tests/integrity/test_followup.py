"""Rectification notices, the overdue job, accountability actions; the check list's query count."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hrapp.errors import Conflict, DomainError
from hrapp.extensions import db
from hrapp.integrity import followup
from hrapp.integrity.models import Rectification
from hrapp.scheduler import JOBS, run_job
from tests.integrity import helpers

D = dt.date


DEADLINE = D(2025, 5, 20)


def _notice(world, check, number="ZG-1", deadline=DEADLINE):
    return followup.create_rectification(
        check, {"notice_no": number, "owner_officer_id": world.officer.id, "deadline": deadline}, world.inspector
    )


def test_a_rectification_is_ordered_on_a_submitted_check_with_a_unique_notice_number(world):
    with pytest.raises(DomainError):
        _notice(world, helpers.draft_check(world))
    check = helpers.submitted_check(world)
    notice = _notice(world, check)
    assert (notice.status, notice.owner_officer_id) == ("pending", world.officer.id)
    with pytest.raises(Conflict):
        _notice(world, check)


def test_a_review_is_decided_on_a_linked_reinspection(world):
    check = helpers.submitted_check(world)
    notice = _notice(world, check)
    followup.update_rectification(notice, {"status": "awaiting_review"}, world.inspector)
    with pytest.raises(DomainError, match="re-inspection"):
        followup.update_rectification(notice, {"status": "passed"}, world.inspector)
    with pytest.raises(DomainError):
        followup.update_rectification(notice, {"status": "passed", "reinspection_check_id": check.id}, world.inspector)
    again = helpers.submitted_check(world, result_code="R0", started=dt.datetime(2025, 5, 21, 2, 0))
    followup.update_rectification(
        notice, {"status": "passed", "reinspection_check_id": again.id, "completed_on": D(2025, 5, 19)}, world.inspector
    )
    assert (notice.status, notice.reinspection_check_id, notice.completed_on) == ("passed", again.id, D(2025, 5, 19))
    with pytest.raises(DomainError):
        followup.update_rectification(notice, {"status": "in_progress"}, world.inspector)


def test_the_daily_job_marks_open_notices_past_their_deadline_overdue(app, world):
    check = helpers.submitted_check(world)
    late = _notice(world, check, "ZG-1", deadline=D(2020, 1, 1))
    future = _notice(world, check, "ZG-2", deadline=D(2100, 1, 1))
    db.session.commit()
    run_job(app, "integrity.rectification_deadlines")
    db.session.expire_all()
    statuses = dict(db.session.execute(sa.select(Rectification.notice_no, Rectification.status)).all())
    assert statuses == {"ZG-1": "overdue", "ZG-2": "pending"}
    assert "integrity.rectification_deadlines" in JOBS and late.id and future.id


def test_an_accountability_action_needs_a_decision_number(world):
    check = helpers.submitted_check(world)
    values = {"officer_id": world.officer.id, "kind": "talk", "decision_no": "", "decided_on": D(2025, 5, 20)}
    with pytest.raises(DomainError):
        followup.add_action(check, values, world.inspector)
    action = followup.add_action(check, {**values, "decision_no": "纪检〔2025〕3号"}, world.inspector)
    assert action.kind_label and action.check_id == check.id


def test_the_check_list_runs_a_fixed_number_of_statements(app, world, as_role, query_counter):
    inspector = as_role("inspector")
    helpers.closed_check(world)
    db.session.commit()
    with query_counter() as few:
        assert inspector.get("/integrity/checks").status_code == 200
    for _ in range(6):
        helpers.closed_check(world, target=world.colleague)
    db.session.commit()
    with query_counter() as many:
        assert inspector.get("/integrity/checks").status_code == 200
    assert len(many) == len(few)


def test_a_new_checklist_version_applies_to_new_checks_only(app, world, as_role):
    old = helpers.draft_check(world)
    db.session.commit()
    inspector = as_role("inspector")
    response = inspector.post(
        "/integrity/checklists", data={"target_type": "officer", "items": "在岗在位\n\n佩戴工作证\n"}
    )
    assert response.status_code == 302
    assert inspector.post("/integrity/checklists", data={"target_type": "officer", "items": " "}).status_code == 200
    new = helpers.draft_check(world)
    assert (new.template.version, new.template.items) == (2, ["在岗在位", "佩戴工作证"])
    db.session.refresh(old)
    assert old.template.version == 1 and len(old.template.items) == 6
