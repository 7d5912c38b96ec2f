"""Pages: scope and IDOR, the archived PDF served byte for byte, its Chinese text, verification."""

import hashlib
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app
from pypdf import PdfReader

from hrapp.assessments import services
from hrapp.core.audit import reset_actor, set_actor
from hrapp.extensions import db
from tests.assessments.helpers import FULL, default_scheme, result, workload


@pytest.fixture
def issued(world):
    """Issued 2025-05 results of the world's officer (street A) and the stranger (street B)."""
    token = set_actor(None, "test")
    try:
        default_scheme()
        workload(
            {
                world.officer.id: FULL,
                world.stranger.id: {**FULL, "satisfaction": "0.5", "visits": 0, "on_time_rate": 0, "rework_rate": 1},
            }
        )
        services.compute_period("2025-05")
        for officer in (world.officer, world.stranger):
            services.issue(result(officer), reports_dir=current_app.config["REPORTS_DIR"])
        db.session.commit()
    finally:
        reset_actor(token)
    return {officer.id: result(officer) for officer in (world.officer, world.stranger)}


def test_the_download_is_exactly_the_archived_document(world, issued, as_role):
    mine = issued[world.officer.id]
    response = as_role("officer").get(f"/assessments/{mine.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == mine.document.sha256
    assert response.data == (Path(current_app.config["REPORTS_DIR"]) / mine.document.path).read_bytes()


def test_the_pdf_names_the_officer_and_the_grade_in_chinese(world, issued, as_role):
    data = as_role("street_hr").get(f"/assessments/{issued[world.officer.id].id}/pdf").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "张三" in text and "优秀" in text and "信息采集" in text
    assert issued[world.officer.id].document.code in text
    stranger = "".join(
        p.extract_text()
        for p in PdfReader(
            io.BytesIO(as_role("admin").get(f"/assessments/{issued[world.stranger.id].id}/pdf").data)
        ).pages
    )
    assert "王五" in stranger and "基本合格" in stranger


def test_an_officer_cannot_open_another_officers_assessment(world, issued, as_role):
    other = issued[world.stranger.id]
    officer = as_role("officer")
    assert officer.get(f"/assessments/{other.id}").status_code == 404
    assert officer.get(f"/assessments/{other.id}/pdf").status_code == 404
    assert officer.post(f"/assessments/{other.id}/appeal", data={"reason": "x"}).status_code == 404
    assert officer.get(f"/assessments/{issued[world.officer.id].id}").status_code == 200


def test_a_street_clerk_sees_only_their_street(world, issued, as_role):
    clerk = as_role("street_hr")
    other = issued[world.stranger.id]
    assert clerk.get(f"/assessments/{other.id}").status_code == 404
    assert clerk.get(f"/assessments/{other.id}/pdf").status_code == 404
    assert clerk.post(f"/assessments/{other.id}/issue").status_code == 404
    page = clerk.get("/assessments/?period=2025-05").get_data(as_text=True)
    assert "张三" in page and "王五" not in page
    # Computing for another street is refused, nothing computed.
    clerk.post("/assessments/compute", data={"period": "2025-06", "street_id": str(world.other_street.id)})
    assert result(world.stranger, "2025-06") is None


def test_the_officers_page_lists_their_results_with_the_pdf(world, issued, as_role):
    page = as_role("officer").get("/me").get_data(as_text=True)
    assert f"/assessments/{issued[world.officer.id].id}/pdf" in page
    assert f"/assessments/{issued[world.stranger.id].id}" not in page


def test_verification_confirms_hash_version_and_status_and_nothing_else(world, issued, client):
    document = issued[world.officer.id].document
    page = client.get(f"/verify/{document.code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and document.sha256 in text and 'data-testid="status"' in text
    assert "张三" not in text and world.officer.employee_no not in text and "优秀" not in text
    assert "bg-success" in text
    unknown = client.get("/verify/FFFFFFFFFFFFFFFF")
    assert unknown.status_code == 404 and "bg-danger" in unknown.get_data(as_text=True)
    assert client.get("/verify/" + "x" * 300).status_code == 404


def test_a_superseded_document_verifies_as_superseded(world, issued, client):
    token = set_actor(None, "test")
    try:
        old = issued[world.officer.id]
        record = services.appeal(old, reason="理由")
        new = services.decide_appeal(
            record, outcome="changed", decision="更正", adjustment="-5", reports_dir=current_app.config["REPORTS_DIR"]
        )
        db.session.commit()
    finally:
        reset_actor(token)
    assert "bg-warning" in client.get(f"/verify/{old.document.code}").get_data(as_text=True)
    assert "bg-success" in client.get(f"/verify/{new.document.code}").get_data(as_text=True)


def test_a_review_without_a_reason_for_the_adjustment_changes_nothing(world, as_role):
    token = set_actor(None, "test")
    try:
        default_scheme()
        workload({world.officer.id: FULL})
        services.compute_period("2025-05", street_id=world.street.id)
        db.session.commit()
    finally:
        reset_actor(token)
    draft = result(world.officer)
    response = as_role("street_hr").post(f"/assessments/{draft.id}/review", data={"adjustment": "-3"})
    assert response.status_code == 400
    db.session.expire_all()
    assert result(world.officer).status == "draft" and result(world.officer).adjustment == 0
    for bad in ("nan", "1e309", "abc", "-1000"):
        assert as_role("street_hr").post(f"/assessments/{draft.id}/review", data={"adjustment": bad}).status_code == 400


def test_no_workload_source_is_shown_on_the_page(world, as_role):
    text = as_role("admin").get("/assessments/?period=2025-05").get_data(as_text=True)
    assert 'data-testid="no-workload-source"' in text
    assert as_role("admin").get("/assessments/?period=bogus").status_code == 200


def test_batch_issue_from_the_web_starts_a_task_and_the_cli_resumes(world, app, as_role):
    from hrapp.tasks.models import TaskRun

    token = set_actor(None, "test")
    try:
        default_scheme()
        workload({world.officer.id: FULL, world.colleague.id: FULL})
        services.compute_period("2025-05", street_id=world.street.id)
        services.issue(result(world.officer), reports_dir=current_app.config["REPORTS_DIR"])
        db.session.commit()
    finally:
        reset_actor(token)
    response = as_role("admin").post("/assessments/issue", data={"period": "2025-05"})
    run = db.session.scalars(db.select(TaskRun)).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tasks/{run.id}")
    assert run.kind == "assessments.issue" and run.params["period"] == "2025-05"
    outcome = app.test_cli_runner().invoke(args=["assessments", "issue", "--period", "2025-05"])
    assert outcome.exit_code == 0, outcome.output
    assert "1 issued" in outcome.output  # the officer's was issued already: skipped
    db.session.expire_all()
    assert result(world.colleague).status == "issued" and result(world.colleague).document is not None
    again = app.test_cli_runner().invoke(args=["assessments", "issue", "--period", "2025-05"])
    assert "0 issued" in again.output


def test_computing_a_period_from_the_page_runs_as_background_work(world, as_role, monkeypatch):
    from hrapp.tasks import services as tasks
    from hrapp.tasks.models import TaskRun

    sent: list[int] = []
    monkeypatch.setattr(tasks, "_send", sent.append)
    default_scheme()
    db.session.commit()

    response = as_role("street_hr").post(
        "/assessments/compute", data={"period": "2025-06", "street_id": str(world.street.id)}
    )

    run = db.session.scalar(sa.select(TaskRun))
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{run.id}"
    assert (run.kind, run.params, sent) == (
        "assessments.compute",
        {"period": "2025-06", "street_id": world.street.id},
        [run.id],
    )
    assert result(world.officer, "2025-06") is None  # nothing computed until a worker runs it
    tasks.execute_run(run.id)
    db.session.expire_all()
    assert db.session.get(TaskRun, run.id).status == "succeeded"
    assert result(world.officer, "2025-06") is not None and result(world.stranger, "2025-06") is None
