"""Street and district summary PDFs: the figures (set-based, current versions only), the text
read back from the PDF, scope (a street clerk gets only their street) and an empty period."""

import io
from decimal import Decimal

import pytest
from flask import current_app
from pypdf import PdfReader

from hrapp.assessments import services
from hrapp.assessments.summary import period_summary
from hrapp.core.audit import reset_actor, set_actor
from hrapp.extensions import db
from tests.assessments.helpers import FULL, default_scheme, result, workload
from tests.factories import OfficerFactory, PostingFactory


@pytest.fixture
def computed(world):
    """2025-05: in street A 张三 scores 100 (优秀), 李四 no workload (不合格), 赵六 80 (合格, issued then
    appealed to v2); in street B 王五 基本合格."""
    token = set_actor(None, "test")
    try:
        extra = OfficerFactory(street=world.street, name="赵六")
        PostingFactory(officer=extra, grid=world.free_grid)
        default_scheme()
        workload(
            {
                world.officer.id: FULL,
                extra.id: {**FULL, "volume": 0},
                world.stranger.id: {**FULL, "satisfaction": "0.5", "visits": 0, "on_time_rate": 0, "rework_rate": 1},
            }
        )
        services.compute_period("2025-05")
        services.issue(result(extra), reports_dir=current_app.config["REPORTS_DIR"])
        appeal = services.appeal(result(extra), reason="复核")
        services.decide_appeal(appeal, outcome="changed", decision="补录", adjustment="5",
                               reports_dir=current_app.config["REPORTS_DIR"])  # fmt: skip
        db.session.commit()
    finally:
        reset_actor(token)
    return extra


def pdf_text(data: bytes) -> str:
    """The text of every page, cells and lines joined by single spaces."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_the_street_figures_count_current_versions_only(world, computed):
    summary = period_summary("2025-05", world.street.id)
    assert summary.total == 3  # 赵六's superseded v1 is not counted twice
    assert summary.grades == {4: 1, 3: 1, 1: 1}
    assert (summary.highest, summary.lowest) == (Decimal("100.00"), Decimal("10.00"))  # 李四: integrity only
    assert [o.name for o in summary.officers] == ["张三", "赵六", "李四"]
    assert [o.rank for o in summary.officers] == [1, 2, 3] and summary.officers[1].score == Decimal("85.00")
    collection = next(i for i in summary.indicators if i.code == "collection")
    assert (collection.weight, collection.no_data) == (Decimal("20.00"), 1)
    assert (collection.average, collection.rate) == (Decimal("13.33"), Decimal("66.7"))  # (20 + 20 + 0) / 3
    assert summary.indicators[0].code == "collection" and summary.indicators[-1].code == "integrity"
    assert summary.not_issued == 2 and summary.streets == []


def test_the_district_figures_rank_the_streets(world, computed):
    summary = period_summary("2025-05")
    assert summary.total == 4 and summary.officers == []
    assert [(s.rank, s.name, s.officers) for s in summary.streets] == [(1, "乙街道", 1), (2, "甲街道", 3)]
    by_name = {s.name: s for s in summary.streets}
    assert by_name["甲街道"].grades == {4: 1, 3: 1, 2: 0, 1: 1} and by_name["乙街道"].grades[2] == 1


def test_the_street_pdf_names_the_street_and_its_grade_counts(world, computed, as_role):
    world.street_hr.locale = "en"
    db.session.commit()
    response = as_role("street_hr").get(f"/assessments/2025-05/streets/{world.street.id}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "甲街道" in text and "张三" in text and "赵六" in text and "王五" not in text
    assert "Grade distribution" in text  # the reader's language
    for line in ("Excellent (优秀) 1 33.3 %", "Qualified (合格) 1 33.3 %", "Unqualified (不合格) 1 33.3 %", "Total 3"):
        assert line in text, line


def test_the_pdf_is_chinese_for_a_chinese_reader(world, computed, as_role):
    world.street_hr.locale = "zh_CN"
    db.session.commit()
    text = pdf_text(as_role("street_hr").get(f"/assessments/2025-05/streets/{world.street.id}/summary.pdf").data)
    assert "等次分布" in text and "优秀 1 33.3 %" in text and "甲街道" in text


def test_the_district_pdf_ranks_the_streets(world, computed, as_role):
    world.hr.locale = "en"
    db.session.commit()
    text = pdf_text(as_role("hr_clerk").get("/assessments/2025-05/summary.pdf").data)
    assert "甲街道" in text and "乙街道" in text and "Streets ranked by average score" in text
    assert "Total 4" in text and "张三" not in text


def test_a_street_clerk_gets_no_other_street_and_no_district(world, computed, as_role):
    street_hr = as_role("street_hr")
    assert street_hr.get(f"/assessments/2025-05/streets/{world.other_street.id}/summary.pdf").status_code == 404
    assert street_hr.get("/assessments/2025-05/summary.pdf").status_code == 404
    assert street_hr.get("/assessments/2025-05/streets/999999/summary.pdf").status_code == 404
    assert as_role("officer").get(f"/assessments/2025-05/streets/{world.street.id}/summary.pdf").status_code == 403
    assert as_role("inspector").get("/assessments/2025-05/summary.pdf").status_code == 403
    assert as_role("admin").get("/assessments/2025-5/summary.pdf").status_code == 404


def test_an_empty_period_says_so_instead_of_an_empty_pdf(world, computed, as_role):
    hr = as_role("hr_clerk")
    response = hr.get(f"/assessments/2024-01/streets/{world.street.id}/summary.pdf")
    assert response.status_code == 302 and "period=2024-01" in response.headers["Location"]
    page = hr.get(response.headers["Location"]).get_data(as_text=True)
    assert "此范围内尚无 2024-01 的考核结果：请先计算该考核期。" in page  # the clerk reads Chinese
    assert hr.get("/assessments/2024-Q1/summary.pdf").status_code == 302


def test_the_assessments_page_links_the_summary_in_scope(world, computed, as_role):
    page = as_role("street_hr").get("/assessments/?period=2025-05").get_data(as_text=True)
    assert f"/assessments/2025-05/streets/{world.street.id}/summary.pdf" in page
    assert "/assessments/2025-05/summary.pdf" not in page
    assert "/assessments/2025-05/summary.pdf" in as_role("hr_clerk").get("/assessments/?period=2025-05").get_data(
        as_text=True
    )
