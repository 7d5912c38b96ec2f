"""Batch issue: a process pool renders the same bytes this process would; the archive holds exactly
what is recorded and served; a batch is resumable and a failure leaves no file nothing refers to."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app
from pypdf import PdfReader

from hrapp.assessments import documents, issuing, queries, services, sources
from hrapp.assessments.models import Assessment, AssessmentDocument
from hrapp.assessments.pdf import render_many
from hrapp.core.audit import reset_actor, set_actor
from hrapp.core.i18n import DISPLAY_TZ
from hrapp.extensions import db
from tests.assessments.helpers import FULL, default_scheme, result, workload

PERIOD = "2025-05"


@pytest.fixture
def actor():
    token = set_actor(None, "test")
    yield
    reset_actor(token)


@pytest.fixture
def computed(world, actor, app, tmp_path, monkeypatch):
    """2025-04 issued and 2025-05 computed for the three officers, with monthly case figures; an
    archive of this test's own."""
    monkeypatch.setitem(app.config, "REPORTS_DIR", str(tmp_path))
    default_scheme()
    figures = {officer.id: FULL for officer in (world.officer, world.colleague, world.stranger)}
    workload(figures)
    by_month = sources._workload_by_month
    by_month.append(
        lambda start, end, ids: [
            {"officer_id": oid, "month": month, "volume": volume, "on_time_rate": rate}
            for oid in ids
            for month, volume, rate in (("2025-03", 31, 0.9), ("2025-04", 38, 0.95), ("2025-05", 42, None))
            if month <= end.strftime("%Y-%m")
        ]
    )
    services.compute_period("2025-04")
    for officer in (world.officer, world.colleague, world.stranger):
        services.issue(result(officer, "2025-04"), reports_dir=current_app.config["REPORTS_DIR"])
    services.compute_period(PERIOD)
    db.session.commit()
    return world


def _pending() -> list[int]:
    return list(db.session.scalars(queries.pending_for_issue(PERIOD)))


def _archive_files(period: str = PERIOD) -> set[str]:
    folder = Path(current_app.config["REPORTS_DIR"]) / "assessments" / period
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def test_the_pool_renders_the_bytes_this_process_renders(computed):
    sheets = issuing.prepare(_pending()).sheets
    pool = issuing._pool(2, None)
    assert pool is not None
    try:
        pooled = pool.submit(render_many, sheets).result(timeout=120)
    finally:
        pool.shutdown()
    assert pooled == render_many(sheets)
    assert len({hashlib.sha256(data).digest() for data in pooled}) == 3  # one document per officer


def test_a_pooled_batch_archives_what_it_records_and_serves(computed, as_role):
    ids = _pending()
    advanced: list[int] = []

    def advance(n):
        advanced.append(n)
        db.session.commit()

    issued = issuing.issue_many(ids, reports_dir=current_app.config["REPORTS_DIR"], workers=2, chunk=1, advance=advance)
    assert issued == 3 and advanced == [1, 1, 1]
    db.session.expire_all()
    for assessment_id in ids:
        assessment = db.session.get(Assessment, assessment_id)
        document = assessment.document
        archived = documents.read_archived(document, current_app.config["REPORTS_DIR"])
        assert assessment.status == "issued" and assessment.issued_at == document.issued_at
        assert hashlib.sha256(archived).hexdigest() == document.sha256 and len(archived) == document.size
        # Rendered again here, serially, from the same data: the very bytes the pool archived.
        assert render_many([documents.sheet_for(assessment, document.code)]) == [archived]
    served = as_role("admin").get(f"/assessments/{ids[0]}/pdf")
    assert hashlib.sha256(served.data).hexdigest() == db.session.get(Assessment, ids[0]).document.sha256
    assert not [name for name in _archive_files() if name.startswith(".tmp")]


def test_a_batch_skips_what_is_issued_and_resumes_after_a_failure(computed):
    first = result(computed.officer)
    services.issue(first, reports_dir=current_app.config["REPORTS_DIR"])
    db.session.commit()
    pending = _pending()
    assert first.id not in pending and len(pending) == 2

    def fail_on_second_chunk(n, calls=[]):  # noqa: B006 (counts the calls of this test only)
        calls.append(n)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        db.session.commit()

    with pytest.raises(RuntimeError):
        issuing.issue_many(
            pending, reports_dir=current_app.config["REPORTS_DIR"], workers=2, chunk=1, advance=fail_on_second_chunk
        )
    db.session.rollback()
    documents_now = db.session.scalars(
        sa.select(AssessmentDocument).join(Assessment).where(Assessment.period == PERIOD)
    ).all()
    assert len(documents_now) == 2  # the pre-issued one and the first chunk; the failed chunk left nothing
    assert _archive_files() == {Path(d.path).name for d in documents_now}  # no file nothing refers to
    left = _pending()
    assert len(left) == 1 and db.session.get(Assessment, left[0]).status == "draft"

    assert issuing.issue_many(left, reports_dir=current_app.config["REPORTS_DIR"], advance=lambda n: None) == 1
    db.session.commit()
    assert _pending() == [] and len(_archive_files()) == 3


def test_an_assessment_changed_while_rendering_is_left_for_the_next_run(computed):
    assessment = result(computed.colleague)
    prepared = issuing.prepare([assessment.id])
    services.review(assessment, comment="复核通过", adjustment="1", reason="补录事件")
    issued, written = issuing.record(prepared, render_many(prepared.sheets), current_app.config["REPORTS_DIR"])
    assert (issued, assessment.status, assessment.document) == (0, "reviewed", None)
    assert not any(path.exists() for path in written)


def test_the_certificate_shows_both_charts_and_the_signature_block(computed):
    assessment = result(computed.officer)
    services.issue(assessment, reports_dir=current_app.config["REPORTS_DIR"])
    data = documents.read_archived(assessment.document, current_app.config["REPORTS_DIR"])
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1
    for words in ("月度得分", "月度案件量与按期结案率", "有效上报", "按期结案率", "复核人签字", "单位盖章", "日期"):
        assert words in text, words
    assert "3月" in text and "5月" in text  # the months of the year so far, from the first with cases
    # Dated at the issue time, in Shanghai (issued_at is stored in UTC).
    issued_local = assessment.issued_at.replace(tzinfo=dt.UTC).astimezone(DISPLAY_TZ)
    assert reader.metadata["/CreationDate"].startswith(issued_local.strftime("D:%Y%m%d%H%M"))
    sheet = documents.sheet_for(assessment, assessment.document.code)
    assert sheet.monthly == [
        ("4月", float(result(computed.officer, "2025-04").score)),
        ("5月", float(assessment.score)),
    ]
    assert sheet.workload == [("3月", 31, 0.9), ("4月", 38, 0.95), ("5月", 42, None)]


def test_without_worker_processes_the_batch_renders_in_this_process(computed, monkeypatch):
    class Refusing:
        _max_workers = 2

        def submit(self, *args):
            raise AssertionError("daemonic processes are not allowed to have children")

        def shutdown(self, **kwargs):
            pass

    monkeypatch.setattr(issuing, "_pool", lambda workers, font_path: Refusing())
    ids = _pending()
    assert issuing.issue_many(ids, reports_dir=current_app.config["REPORTS_DIR"], workers=2, chunk=1) == 3
    assert all(db.session.get(Assessment, i).status == "issued" for i in ids)


def test_figures_print_to_a_few_places():
    from hrapp.assessments.pdf import _figure

    assert [_figure(v, 4) for v in ("0.866667", "119", "62.63", None, "n/a")] == ["0.8667", "119", "62.63", "—", "n/a"]
    assert _figure("0.8217916946283655", 2) == "0.82" and _figure("1", 2) == "1"
