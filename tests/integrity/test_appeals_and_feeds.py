"""Appeals, and what integrity feeds to other domains: the findings source the promotion rules
count (set-based SQL and per-officer evaluation alike) and the per-officer findings of a period."""

from __future__ import annotations

import datetime as dt
import decimal
import random

import pytest
import sqlalchemy as sa

from hrapp.certification import rules
from hrapp.certification.seed import seed_certification
from hrapp.core.db import today
from hrapp.errors import Conflict, DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.integrity import followup, queries, services
from hrapp.integrity.models import Appeal, Check
from hrapp.officers.models import Officer
from hrapp.seed import demo
from tests import factories
from tests.certification import helpers as certification
from tests.certification.test_candidates import reference, shortlisted
from tests.integrity import helpers

D = dt.date


def test_only_the_officer_concerned_appeals_and_only_a_closed_check(world):
    check = helpers.submitted_check(world)
    with pytest.raises(PermissionDenied):
        followup.file_appeal(check, "不服", world.officer_user)
    services.close_check(check, world.inspector)
    colleague_user = factories.UserFactory(role="officer", officer_id=world.colleague.id)
    with pytest.raises(PermissionDenied):
        followup.file_appeal(check, "不服", colleague_user)
    with pytest.raises(DomainError):
        followup.file_appeal(check, " ", world.officer_user)
    appeal = followup.file_appeal(check, "当时在入户走访", world.officer_user)
    assert (appeal.officer_id, appeal.outcome) == (world.officer.id, None)
    with pytest.raises(Conflict):
        followup.file_appeal(check, "再次申诉", world.officer_user)


@pytest.mark.parametrize(
    ("outcome", "values", "severities"),
    [
        ("upheld", {}, [2]),
        ("changed", {"severity": 1, "deduction": decimal.Decimal("1")}, [1]),
        ("revoked", {}, []),
    ],
)
def test_the_decision_changes_findings_only_through_an_amendment(world, outcome, values, severities):
    check = helpers.closed_check(world)
    original = check.findings[0]
    appeal = followup.file_appeal(check, "不服", world.officer_user)
    followup.decide_appeal(appeal, {"outcome": outcome, "decision_note": "经复核", **values}, world.inspector)
    db.session.flush()
    assert [f.severity for f in check.current_findings] == severities
    assert original.severity == 2 and not original.withdrawn
    assert (appeal.amendment_id is None) == (outcome == "upheld")
    with pytest.raises(Conflict):
        followup.decide_appeal(appeal, {"outcome": "upheld", "decision_note": "再议"}, world.inspector)
    counted = [row.severity for row in db.session.execute(queries.findings_source())]
    assert counted == severities


def test_a_change_needs_the_new_values_and_reasons(world):
    check = helpers.closed_check(world)
    appeal = followup.file_appeal(check, "不服", world.officer_user)
    with pytest.raises(DomainError):
        followup.decide_appeal(appeal, {"outcome": "changed", "decision_note": "经复核"}, world.inspector)
    with pytest.raises(DomainError):
        followup.decide_appeal(appeal, {"outcome": "revoked", "decision_note": ""}, world.inspector)
    with pytest.raises(PermissionDenied):
        followup.decide_appeal(appeal, {"outcome": "revoked", "decision_note": "x"}, world.hr)


def test_the_officer_appeals_through_the_page_and_sees_the_outcome(app, world, as_role):
    check = helpers.closed_check(world)
    db.session.commit()
    officer = as_role("officer")
    page = officer.get(f"/integrity/checks/{check.id}").get_data(as_text=True)
    assert f"/integrity/checks/{check.id}/appeal" in page
    assert officer.post(f"/integrity/checks/{check.id}/appeal", data={"reason": ""}).status_code == 200
    assert officer.post(f"/integrity/checks/{check.id}/appeal", data={"reason": "当时正在处置事件"}).status_code == 302
    appeal = db.session.scalar(sa.select(Appeal))
    assert appeal.reason == "当时正在处置事件"
    response = as_role("inspector").post(
        f"/integrity/appeals/{appeal.id}", data={"outcome": "revoked", "decision_note": "证据不足"}
    )
    assert response.status_code == 302
    page = officer.get(f"/integrity/checks/{check.id}").get_data(as_text=True)
    assert "证据不足" in page
    other = as_role("officer").get(f"/integrity/checks/{helpers.closed_check(world, target=world.colleague).id}/appeal")
    db.session.commit()
    assert other.status_code == 404


# --- the findings source for promotion rules ---------------------------------------------------


@pytest.fixture
def eligible(world):
    helpers_year = today().year
    certification.history(world.officer, ("probation", D(2018, 3, 1)), ("junior", D(2018, 9, 1)))
    certification.grades(world.officer, **{f"y{helpers_year - 1}": 3, f"y{helpers_year - 2}": 4})
    certification.trained(world.officer, today() - dt.timedelta(days=30), 40)
    db.session.commit()
    return world


def test_the_candidates_page_blocks_an_officer_with_a_serious_finding_in_the_rule_window(app, eligible, as_role):
    world = eligible
    hr = as_role("street_hr")
    assert world.officer.name in hr.get("/certification/candidates").get_data(as_text=True)
    recent = dt.datetime.combine(today() - dt.timedelta(days=60), dt.time(2, 0))
    check = helpers.submitted_check(world, code="F06", started=recent)  # 严重
    db.session.commit()
    assert world.officer.name in hr.get("/certification/candidates").get_data(as_text=True)  # still open: unseen
    services.close_check(check, world.inspector)
    db.session.commit()
    assert world.officer.name not in hr.get("/certification/candidates").get_data(as_text=True)
    criterion = next(c for c in rules.eligibility_of(world.officer.id, today()).criteria if c.key == "integrity")
    assert not criterion.met and criterion.data["count"] == 1


def test_a_finding_outside_the_rule_window_does_not_block(app, eligible):
    world = eligible
    old = dt.datetime.combine(today() - dt.timedelta(days=800), dt.time(2, 0))
    helpers.closed_check(world, code="F06", started=old)
    criterion = next(c for c in rules.eligibility_of(world.officer.id, today()).criteria if c.key == "integrity")
    assert criterion.met


SEEDED_ON = D(2025, 6, 30)


def test_the_sql_shortlist_agrees_with_the_evaluation_over_real_integrity_findings(app):
    rng = random.Random(7)
    grids = demo.seed_org(rng, grid_count=60)
    demo.seed_officers(rng, grids, 60, SEEDED_ON)
    seed_certification(rng, SEEDED_ON)
    inspector = factories.UserFactory(role="inspector")
    partner = factories.UserFactory(role="inspector")
    plan = helpers.plan(inspector)
    ids = list(db.session.scalars(sa.select(Officer.id).order_by(Officer.id)))
    for n, officer_id in enumerate(ids[::3]):
        started = dt.datetime.combine(SEEDED_ON - dt.timedelta(days=97 * n), dt.time(2, 0))
        check = services.create_check(
            plan,
            {
                "target_type": "officer", "target_officer_id": officer_id, "place": "窗口", "started_at": started,
                "ended_at": started + dt.timedelta(hours=1), "inspector_ids": [inspector.id, partner.id],
                "declare_no_conflict": True, "result_code": "R2", "outside_draw_reason": "抽查",
            },
            inspector,
        )  # fmt: skip
        services.declare_no_conflict(check, partner)
        finding = services.add_finding(check, {"code": "F01", "severity": n % 4 + 1}, inspector)
        services.submit_check(check, inspector)
        if n % 5 != 4:  # some stay open: they must count nowhere
            services.close_check(check, inspector)
        if n % 6 == 0:
            services.amend_check(check, {finding.id: {"withdraw": True}}, "撤回", inspector)
        elif n % 6 == 1:
            services.amend_check(check, {finding.id: {"severity": 4 if finding.severity < 4 else 1}}, "改定", inspector)
    db.session.commit()
    closed = db.session.scalar(sa.select(sa.func.count(Check.id)).where(Check.status == "closed"))
    assert closed > 10 and db.session.execute(queries.findings_source()).all()
    hr = factories.UserFactory(role="hr_clerk")
    blocked = 0
    for on in (SEEDED_ON, D(2024, 2, 29)):
        expected = reference(hr, on, 12)
        assert shortlisted(hr, on, 12) == expected, on
        results = rules.evaluate(Officer.id.in_(ids), on)
        blocked += sum(1 for item in results.values() for c in item.criteria if c.key == "integrity" and not c.met)
    assert blocked > 0  # real findings reached both paths


def test_the_assessment_feed_gives_each_officers_findings_deductions_and_veto(world):
    serious = helpers.closed_check(world, code="F06")  # 严重, 10 points, 2025-05-06
    helpers.closed_check(world, target=world.colleague, code="F02")  # 轻微, 1 point
    helpers.submitted_check(world, target=world.stranger, code="F07")  # open: not in the feed
    indicator = queries.integrity_indicator(D(2025, 5, 1), D(2025, 5, 31))
    assert indicator == {
        world.officer.id: {"findings": 1, "deduction": decimal.Decimal("10"), "veto": True},
        world.colleague.id: {"findings": 1, "deduction": decimal.Decimal("1"), "veto": False},
    }
    assert queries.integrity_indicator(D(2025, 6, 1), D(2025, 6, 30)) == {}
    rows = db.session.execute(queries.officer_findings(D(2025, 5, 1), D(2025, 5, 31), [world.officer.id])).all()
    assert [(r.check_number, r.code, r.severity) for r in rows] == [(serious.number, "F06", 3)]
