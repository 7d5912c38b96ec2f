"""Tier records, promotion cases, annual steps and defaults (no HTTP)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hrapp.certification import services
from hrapp.certification.jobs import annual_steps
from hrapp.certification.models import AnnualStepRun, PromotionCase, PromotionRuleSet, TierRecord
from hrapp.core.audit import AuditEvent
from hrapp.errors import Conflict, DomainError, PermissionDenied
from hrapp.extensions import db
from tests.certification.helpers import grades, history, ladder, trained


@pytest.fixture(autouse=True)
def english_messages():
    """These tests match refusal messages by their English text; the default locale is zh_CN."""
    with force_locale("en"):
        yield


D = dt.date


def records_of(officer) -> list[tuple]:
    rows = db.session.scalars(
        sa.select(TierRecord).where(TierRecord.officer_id == officer.id).order_by(TierRecord.effective_from)
    )
    return [(r.tier.code, r.step, r.effective_from, r.effective_to, r.reason) for r in rows]


def test_defaults_initialise_a_fresh_database_once():
    assert services.ensure_defaults() == {"tiers": 4, "rule_sets": 3}
    assert services.ensure_defaults() == {"tiers": 0, "rule_sets": 0}
    junior = db.session.scalar(
        sa.select(PromotionRuleSet).join(PromotionRuleSet.target_tier).where(sa.text("tiers.code = 'intermediate'"))
    )
    assert (junior.min_years_in_tier, junior.min_service_years, junior.tenure_either) == (4, 6, True)


def test_tier_on_a_date_and_succession(world):
    tiers = ladder()
    services.add_tier_record(
        world.officer, tiers["probation"], step=1, start=D(2018, 3, 1), reason="hire", acting=world.hr
    )
    services.add_tier_record(
        world.officer, tiers["junior"], step=1, start=D(2018, 9, 1), reason="correction", acting=world.hr
    )
    assert records_of(world.officer) == [
        ("probation", 1, D(2018, 3, 1), D(2018, 9, 1), "hire"),
        ("junior", 1, D(2018, 9, 1), None, "correction"),
    ]
    assert services.tier_on(world.officer.id, D(2018, 8, 31)).tier.code == "probation"
    assert services.tier_on(world.officer.id, D(2018, 9, 1)).tier.code == "junior"
    assert services.tier_on(world.officer.id, D(2018, 2, 28)) is None


def test_overlapping_tier_records_are_refused(world):
    tiers = ladder()
    history(world.officer, ("probation", D(2018, 3, 1)), ("junior", D(2018, 9, 1)))
    with pytest.raises(Conflict, match="overlap"):
        services.add_tier_record(
            world.officer, tiers["junior"], step=2, start=D(2018, 6, 1), reason="correction", acting=world.hr
        )
    with pytest.raises(Conflict):
        services.add_tier_record(
            world.officer,
            tiers["junior"],
            step=2,
            start=D(2019, 1, 1),
            end=D(2020, 1, 1),
            reason="correction",
            acting=world.hr,
        )
    with pytest.raises(DomainError):
        services.add_tier_record(
            world.officer, tiers["probation"], step=2, start=D(2019, 1, 1), reason="hire", acting=world.hr
        )
    assert len(records_of(world.officer)) == 2


def test_street_hr_cannot_record_tiers_of_another_street(world):
    tiers = ladder()
    with pytest.raises(PermissionDenied):
        services.add_tier_record(
            world.stranger, tiers["junior"], step=1, start=D(2019, 1, 1), reason="hire", acting=world.street_hr
        )


def test_promotion_lifecycle_approval_locks_and_reversal_is_a_new_case(world):
    tiers = ladder()
    history(world.officer, ("probation", D(2018, 3, 1)), ("junior", D(2018, 9, 1), 4))
    # Not eligible (no grades, no training): an exception needs a reason.
    with pytest.raises(DomainError, match="reason"):
        services.propose_case(
            world.officer,
            kind="promotion",
            to_tier=tiers["intermediate"],
            effective_on=D(2023, 7, 1),
            reason="",
            acting=world.street_hr,
        )
    grades(world.officer, y2022=3, y2021=4)
    trained(world.officer, D(2023, 3, 1), 40)
    case = services.propose_case(
        world.officer,
        kind="promotion",
        to_tier=tiers["intermediate"],
        effective_on=D(2023, 7, 1),
        reason="",
        acting=world.street_hr,
    )
    assert case.status == "submitted"
    assert case.snapshot["eligible"] is True
    assert {c["key"] for c in case.snapshot["criteria"]} == {"tenure", "training_hours", "grades", "integrity"}
    with pytest.raises(Conflict):
        services.propose_case(
            world.officer,
            kind="promotion",
            to_tier=tiers["intermediate"],
            effective_on=D(2023, 7, 1),
            reason="x",
            acting=world.hr,
        )

    with pytest.raises(PermissionDenied):
        services.decide_case(case, approve=True, comment="", acting=world.hr)
    services.update_case(case, effective_on=D(2023, 8, 1), reason="按期晋升", acting=world.street_hr)
    services.decide_case(case, approve=True, comment="同意", acting=world.admin)
    assert case.status == "approved" and case.locked
    assert records_of(world.officer)[-2:] == [
        ("junior", 4, D(2018, 9, 1), D(2023, 8, 1), "promotion"),
        ("intermediate", 1, D(2023, 8, 1), None, "promotion"),
    ]
    with pytest.raises(Conflict, match="locked"):
        services.update_case(case, effective_on=D(2023, 9, 1), reason="改", acting=world.hr)
    with pytest.raises(Conflict):
        services.decide_case(case, approve=False, comment="改判", acting=world.admin)

    reversal = services.propose_reversal(case, effective_on=D(2024, 1, 1), reason="材料有误", acting=world.hr)
    assert reversal.reverses_id == case.id and reversal.kind == "reversal"
    with pytest.raises(Conflict):
        services.propose_reversal(case, effective_on=D(2024, 1, 1), reason="again", acting=world.hr)
    services.decide_case(reversal, approve=True, comment="", acting=world.admin)
    assert records_of(world.officer)[-1] == ("junior", 4, D(2024, 1, 1), None, "correction")
    assert case.status == "approved"  # the original is untouched
    audited = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.entity == "promotion_cases", AuditEvent.entity_id == str(case.id))
    ).all()
    assert audited.count("create") == 1 and audited.count("update") >= 2


def test_rejection_needs_a_comment_and_writes_no_record(world):
    tiers = ladder()
    history(world.officer, ("junior", D(2018, 3, 1)))
    case = services.propose_case(
        world.officer,
        kind="demotion",
        to_tier=tiers["probation"],
        effective_on=D(2024, 1, 1),
        reason="连续两年不合格",
        acting=world.hr,
    )
    with pytest.raises(DomainError):
        services.decide_case(case, approve=False, comment=" ", acting=world.admin)
    services.decide_case(case, approve=False, comment="证据不足", acting=world.admin)
    assert case.status == "rejected"
    assert len(records_of(world.officer)) == 1
    with pytest.raises(DomainError):
        services.propose_reversal(case, effective_on=D(2024, 2, 1), reason="x", acting=world.hr)


def test_street_hr_cannot_propose_for_another_street(world):
    tiers = ladder()
    history(world.stranger, ("junior", D(2018, 3, 1)))
    with pytest.raises(PermissionDenied):
        services.propose_case(
            world.stranger,
            kind="promotion",
            to_tier=tiers["intermediate"],
            effective_on=D(2024, 1, 1),
            reason="x",
            acting=world.street_hr,
        )


def test_annual_steps_are_granted_once_per_year(world):
    history(world.officer, ("junior", D(2018, 3, 1), 3))
    history(world.colleague, ("junior", D(2018, 3, 1), 3))
    history(world.stranger, ("junior", D(2018, 3, 1), 8))
    grades(world.officer, y2024=3)
    grades(world.colleague, y2024=2)
    grades(world.stranger, y2024=4)
    run = services.grant_annual_steps(2024, acting=world.admin)
    assert run.granted == 1
    assert records_of(world.officer)[-1] == ("junior", 4, D(2025, 1, 1), None, "annual_step")
    assert records_of(world.colleague)[-1][1] == 3  # 基本合格: no step
    assert records_of(world.stranger)[-1][1] == 8  # already at the highest step
    before = {o.id: records_of(o) for o in (world.officer, world.colleague, world.stranger)}
    assert services.grant_annual_steps(2024, acting=world.admin) is None
    assert {o.id: records_of(o) for o in (world.officer, world.colleague, world.stranger)} == before
    assert db.session.scalar(sa.select(sa.func.count(AnnualStepRun.id))) == 1


def test_only_admins_grant_annual_steps(world):
    with pytest.raises(PermissionDenied):
        services.grant_annual_steps(2024, acting=world.hr)


def test_the_yearly_job_runs_the_service(world, app):
    from hrapp.core.db import today

    year = today().year - 1
    history(world.officer, ("junior", D(2018, 3, 1), 2))
    services.record_annual_result(world.officer, year=year, grade=3, acting=world.hr)
    annual_steps(app)
    assert records_of(world.officer)[-1][1:3] == (3, D(year + 1, 1, 1))


def test_rule_versions_are_new_rows_never_edits(world):
    tiers = ladder()
    first = db.session.scalar(sa.select(PromotionRuleSet).where(PromotionRuleSet.target_tier_id == tiers["senior"].id))
    with pytest.raises(PermissionDenied):
        services.new_rule_version(
            tiers["senior"], {"min_years_in_tier": 4}, effective_from=D(2025, 1, 1), acting=world.hr
        )
    second = services.new_rule_version(
        tiers["senior"],
        {"min_years_in_tier": 4, "grade_min": 4, "grade_years": 3},
        effective_from=D(2025, 1, 1),
        acting=world.admin,
    )
    assert (first.effective_to, second.version, second.effective_to) == (D(2025, 1, 1), 2, None)
    assert first.min_years_in_tier == 5
    with pytest.raises(Conflict):
        services.new_rule_version(tiers["senior"], {}, effective_from=D(2024, 6, 1), acting=world.admin)
    count = db.session.scalar(sa.select(sa.func.count(PromotionCase.id)))
    assert count == 0


def test_a_new_officer_starts_at_probation_step_1_on_the_hire_date(world):
    from hrapp.officers import services as officer_services
    from tests.factories import valid_id_number

    ladder()
    officer = officer_services.create_officer(
        {
            "employee_no": "N0001",
            "name": "赵六",
            "id_number": valid_id_number(D(1992, 8, 8), male=False),
            "hire_date": D(2026, 9, 1),
            "street_id": world.street.id,
        },
        acting=world.street_hr,
    )
    assert records_of(officer) == [("probation", 1, D(2026, 9, 1), None, "hire")]
    assert services.tier_on(officer.id, D(2026, 10, 1)).tier.code == "probation"


def test_without_a_ladder_a_new_officer_gets_no_tier_and_no_error(world):
    from hrapp.officers import services as officer_services
    from tests.factories import valid_id_number

    officer = officer_services.create_officer(
        {
            "employee_no": "N0002",
            "name": "钱七",
            "id_number": valid_id_number(D(1990, 1, 2)),
            "hire_date": D(2026, 9, 1),
            "street_id": world.street.id,
        },
        acting=world.hr,
    )
    assert records_of(officer) == []


def test_officers_created_by_the_import_start_at_probation_too(world):
    import csv
    import io

    from hrapp.core import importing
    from hrapp.officers.importing import officer_import_spec
    from hrapp.officers.models import Officer
    from tests.factories import valid_id_number

    ladder()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["employee_no", "name", "id_number", "street", "hire_date"])
    writer.writerow(["N0101", "孙七", valid_id_number(D(1991, 3, 4)), world.street.code, "2026-08-01"])
    report = importing.run_import(
        officer_import_spec(world.hr), io.BytesIO(text.getvalue().encode("utf-8-sig")), "officers.csv", dry_run=False
    )
    assert report.ok and report.created == 1
    officer = db.session.scalar(sa.select(Officer).where(Officer.employee_no == "N0101"))
    assert records_of(officer) == [("probation", 1, D(2026, 8, 1), None, "hire")]


def test_a_decision_is_told_to_the_officer_and_the_proposing_clerk(world):
    from hrapp.notifications.models import Notification

    tiers = ladder()
    history(world.officer, ("junior", D(2018, 3, 1)))
    case = services.propose_case(
        world.officer,
        kind="demotion",
        to_tier=tiers["probation"],
        effective_on=D(2024, 1, 1),
        reason="连续两年不合格",
        acting=world.street_hr,
    )
    services.decide_case(case, approve=False, comment="证据不足", acting=world.admin)

    notices = db.session.scalars(sa.select(Notification).where(Notification.kind == "promotion")).all()
    assert sorted((n.user_id, n.link) for n in notices) == sorted(
        [(world.street_hr.id, f"/certification/cases/{case.id}"), (world.officer_user.id, "/me")]
    )
    from flask_babel import force_locale

    with force_locale("zh_CN"):
        texts = [n.text for n in notices]
    assert all(world.officer.name in text and "见习" in text and "驳回" in text for text in texts), texts
