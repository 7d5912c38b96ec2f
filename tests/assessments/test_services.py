"""Computing a period, scheme versions, the review → issue → appeal lifecycle, the archive."""

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from hrapp.assessments import documents, scoring, services
from hrapp.assessments.models import Assessment, AssessmentScheme
from hrapp.certification.models import AnnualResult
from hrapp.errors import DomainError
from hrapp.extensions import db
from tests import factories
from tests.assessments.helpers import FULL, default_scheme, result, workload
from tests.integrity import helpers as integrity


def test_period_text_parses_months_quarters_and_years():
    assert services.parse_period("2026-10") == ("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert services.parse_period("2026-Q1") == ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert services.parse_period("2026") == ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    for bad in ("2026-13", "2026-Q5", "26-10", "", "1800", "2026-1"):
        with pytest.raises(DomainError):
            services.parse_period(bad)


def test_computing_without_an_approved_scheme_is_refused(world):
    with pytest.raises(DomainError, match="No approved assessment scheme"):
        services.compute_period("2025-05")


def test_a_street_is_computed_from_the_registered_workload_source(world):
    default_scheme()
    source = workload({world.officer.id: FULL, world.colleague.id: {**FULL, "collection": 79, "visits": 24}})
    summary = services.compute_period("2025-05", street_id=world.street.id)
    assert summary["computed"] == 2 and summary["workload_source"] is True
    # One call for the whole street: set-based, not one per officer.
    assert source.calls == [(dt.date(2025, 5, 1), dt.date(2025, 5, 31), sorted([world.officer.id, world.colleague.id]))]
    assert result(world.stranger) is None
    full, colleague = result(world.officer), result(world.colleague)
    assert full.score == Decimal("100.00") and full.status == "draft" and full.grid_id == world.grid.id
    # collection 79 % → 10 of 20; visits 80 % → 8 of 10.
    assert colleague.computed_score == Decimal("88.00") and colleague.grade == 3
    collection = next(line for line in colleague.lines if line["code"] == "collection")
    assert collection["raw"] == "79" and collection["points"] == "10.00"


def test_without_a_workload_source_the_workload_indicators_are_no_data_never_full_marks(world):
    default_scheme()
    services.compute_period("2025-05", street_id=world.street.id)
    assessment = result(world.officer)
    assert assessment.score == Decimal("10.00") and assessment.grade == 1
    assert all(line["no_data"] for line in assessment.lines if line["code"] != "integrity")


def test_a_closed_serious_finding_vetoes_and_deducts(world):
    default_scheme()
    workload({world.officer.id: FULL})
    integrity.closed_check(world, code="F01", severity=3)
    services.compute_period("2025-05", street_id=world.street.id)
    assessment = result(world.officer)
    assert assessment.grade == 1 and assessment.veto_reason.startswith("F01")
    integrity_line = next(line for line in assessment.lines if line["code"] == "integrity")
    assert integrity_line["raw"] == "1" and Decimal(integrity_line["points"]) < 10


def test_an_open_check_counts_for_nothing(world):
    default_scheme()
    workload({world.officer.id: FULL})
    integrity.submitted_check(world, code="F08", severity=4)
    services.compute_period("2025-05", street_id=world.street.id)
    assert result(world.officer).grade == 4 and result(world.officer).veto_reason == ""


def test_the_excellent_cap_applies_to_the_cohort_computed_together(world):
    default_scheme(cap=True)
    officers = [world.officer, world.colleague] + [factories.OfficerFactory(street=world.street) for _ in range(3)]
    workload({o.id: {**FULL, "satisfaction": f"0.9{5 + i}"} for i, o in enumerate(officers)})
    db.session.commit()
    summary = services.compute_period("2025-05", street_id=world.street.id)
    assert summary["capped"] == 4  # 5 officers → 1 may be 优秀
    grades = {o.id: (result(o).grade, result(o).capped) for o in officers}
    assert sum(1 for grade, _ in grades.values() if grade == 4) == 1
    assert sum(1 for _, capped in grades.values() if capped) == 4


def test_recomputing_replaces_drafts_and_skips_reviewed_ones(world):
    default_scheme()
    source = workload({world.officer.id: FULL, world.colleague.id: FULL})
    services.compute_period("2025-05", street_id=world.street.id)
    services.review(result(world.colleague), comment="ok")
    source.figures[world.officer.id] = {**FULL, "volume": 0}
    summary = services.compute_period("2025-05", street_id=world.street.id)
    assert summary == {**summary, "computed": 1, "skipped": 1}
    assert result(world.officer).score == Decimal("80.00")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 2


def test_a_period_computed_under_v1_keeps_its_result_after_v2_is_approved(world, reports_dir):
    v1 = default_scheme()
    workload({world.officer.id: FULL})
    services.compute_period("2025-05", street_id=world.street.id)
    services.issue(result(world.officer), reports_dir=reports_dir)
    stricter = {**scoring.DEFAULT_DEFINITION, "excellent_cap_percent": "0"}  # no 优秀 at all
    v2 = services.create_scheme("2025 修订", dt.date(2025, 1, 1), stricter)
    services.approve_scheme(v2)
    assert services.scheme_for(dt.date(2025, 5, 1)) == v2
    assert result(world.officer).scheme_id == v1.id and result(world.officer).grade == 4
    services.compute_period("2025-06", street_id=world.street.id)
    assert result(world.officer, "2025-06").scheme_id == v2.id and result(world.officer, "2025-06").grade == 3
    with pytest.raises(DomainError, match="locked"):
        services.update_scheme(v1, stricter)
    assert db.session.get(AssessmentScheme, v1.id).definition["grade_bands"][0] == ["90", 4]


def test_an_adjustment_needs_a_reason_and_is_recorded(world):
    default_scheme()
    workload({world.officer.id: {**FULL, "satisfaction": "0.5"}})
    services.compute_period("2025-05", street_id=world.street.id)
    assessment = result(world.officer)
    with pytest.raises(DomainError, match="reason"):
        services.review(assessment, comment="", adjustment="2")
    services.review(assessment, comment="复核", adjustment="2", reason="台风期间加班")
    assert (assessment.computed_score, assessment.score, assessment.grade) == (Decimal("90.00"), Decimal("92.00"), 4)
    assert assessment.adjustment_reason == "台风期间加班" and assessment.status == "reviewed"
    services.review(assessment, comment="", adjustment="50", reason="x")
    assert assessment.score == Decimal("100")


def test_issue_archives_the_pdf_with_its_hash_and_locks(world, reports_dir):
    default_scheme()
    workload({world.officer.id: FULL})
    services.compute_period("2025-05", street_id=world.street.id)
    assessment = result(world.officer)
    services.issue(assessment, reports_dir=reports_dir)
    document = assessment.document
    data = (Path(reports_dir) / document.path).read_bytes()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == document.sha256
    assert documents.by_code(document.code.lower()) == document
    assert not list((Path(reports_dir) / document.path).parent.glob(".tmp-*"))
    with pytest.raises(DomainError, match="locked"):
        services.review(assessment, comment="late", adjustment="1", reason="x")
    with pytest.raises(DomainError, match="already issued"):
        services.issue(assessment, reports_dir=reports_dir)


def test_a_changed_appeal_issues_a_new_version_and_supersedes_the_old(world, reports_dir):
    default_scheme()
    workload({world.officer.id: {**FULL, "satisfaction": "0.5"}})
    services.compute_period("2025-05", street_id=world.street.id)
    old = result(world.officer)
    services.issue(old, reports_dir=reports_dir)
    with pytest.raises(DomainError, match="reason"):
        services.appeal(old, reason="  ")
    record = services.appeal(old, reason="满意度样本不足")
    with pytest.raises(DomainError, match="pending"):
        services.appeal(old, reason="again")
    new = services.decide_appeal(record, outcome="changed", decision="样本不足，补正", adjustment="3",
                                 reports_dir=reports_dir)  # fmt: skip
    assert old.status == "superseded" and new.status == "issued" and new.version == 2
    assert new.supersedes_id == old.id and new.score == Decimal("93.00") and new.grade == 4
    assert new.document.code != old.document.code and record.result_id == new.id


def test_an_upheld_appeal_changes_nothing(world, reports_dir):
    default_scheme()
    workload({world.officer.id: FULL})
    services.compute_period("2025-05", street_id=world.street.id)
    old = result(world.officer)
    services.issue(old, reports_dir=reports_dir)
    record = services.appeal(old, reason="理由")
    assert services.decide_appeal(record, outcome="upheld", decision="维持", reports_dir=reports_dir) is None
    assert old.status == "issued" and record.status == "upheld"


def test_an_issued_annual_assessment_becomes_the_annual_result(world, reports_dir):
    default_scheme()
    workload({world.officer.id: {**FULL, "collection": 1200, "visits": 360, "volume": 480, "patrol": 720}})
    db.session.add(AnnualResult(officer_id=world.officer.id, year=2025, grade=2, note="HR"))
    services.compute_period("2025", street_id=world.street.id)
    services.issue(result(world.officer, "2025"), reports_dir=reports_dir)
    annual = db.session.scalars(sa.select(AnnualResult).where(AnnualResult.officer_id == world.officer.id)).all()
    assert [(a.year, a.grade) for a in annual] == [(2025, 4)]


def test_the_annual_score_blends_the_monthly_scores_with_the_year_end_review(world, reports_dir):
    """Default formula: 70 % the mean of the year's monthly scores, 30 % the year's own assessment."""
    default_scheme()
    source = workload({world.officer.id: FULL})
    services.compute_period("2025-05", street_id=world.street.id)
    # June: collection 79 % → 10 of 20, visits 80 % → 8 of 10: 88.
    source.figures[world.officer.id] = {**FULL, "collection": 79, "visits": 24}
    services.compute_period("2025-06", street_id=world.street.id)
    assert result(world.officer, "2025-06").score == Decimal("88.00")
    # The year reaches every target (twelve months' worth): its review score is 100.
    source.figures[world.officer.id] = {**FULL, "collection": 1200, "visits": 360, "volume": 480, "patrol": 720}
    services.compute_period("2025", street_id=world.street.id)
    annual = result(world.officer, "2025")
    # 0.7 × (100 + 88) / 2 + 0.3 × 100 = 65.8 + 30 = 95.8
    assert annual.computed_score == Decimal("95.80") and annual.score == Decimal("95.80")
    assert annual.grade == scoring.grade_for(scoring.DEFAULT_DEFINITION, Decimal("95.80"))
    # The issued document shows the review's points and the formula with the figures it used.
    services.issue(annual, reports_dir=reports_dir)
    document = Path(reports_dir) / db.session.scalar(
        sa.select(documents.AssessmentDocument.path).where(documents.AssessmentDocument.assessment_id == annual.id)
    )
    text = "".join(page.extract_text() for page in PdfReader(document).pages)
    assert "年终考评" in text
    assert "年度得分 = 月度得分平均 94.00 × 70% + 年终考评 100.00 × 30% = 95.80" in text


def test_the_annual_formula_shares_come_from_the_scheme():
    definition = {**scoring.DEFAULT_DEFINITION, "annual": {"monthly_share": "50", "review_share": "50"}}
    assert scoring.annual_score(definition, Decimal("80"), [Decimal("90"), Decimal("100")]) == Decimal("87.50")
    assert scoring.annual_score(definition, Decimal("80"), []) == Decimal("80")
