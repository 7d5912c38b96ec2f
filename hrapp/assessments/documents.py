"""Issued documents: the data of an assessment's PDF, the archive (written atomically, with its
SHA-256) and the verification lookup."""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from hrapp.assessments.models import Assessment, AssessmentDocument
from hrapp.assessments.pdf import AssessmentSheet, assessment_certificate
from hrapp.certification.models import TIER_LABELS
from hrapp.core.i18n import local_time
from hrapp.extensions import db

GRADE_NAMES = {4: "优秀", 3: "合格", 2: "基本合格", 1: "不合格"}
SEVERITY_NAMES = {1: "轻微", 2: "一般", 3: "严重", 4: "重大"}


def new_code() -> str:
    return secrets.token_hex(8).upper()


def verify_url(code: str) -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}/verify/{code}"


def monthly_scores(officer_id: int, year: int) -> list[tuple[str, float]]:
    """The officer's monthly scores of the year (the current version of each month, drafts excluded)."""
    rows = db.session.execute(
        sa.select(Assessment.period, Assessment.score)
        .where(
            Assessment.officer_id == officer_id,
            Assessment.period.like(f"{year}-__"),
            Assessment.period.not_like("%Q%"),
            Assessment.status.in_(("reviewed", "issued")),
        )
        .order_by(Assessment.period)
    ).all()
    return [(period[5:] + "月", float(score)) for period, score in rows]


def sheet_for(assessment: Assessment, code: str) -> AssessmentSheet:
    from hrapp.assessments import sources
    from hrapp.org.models import District, Grid, Street

    street = db.session.get(Street, assessment.street_id)
    district = db.session.get(District, street.district_id) if street else None
    grid = db.session.get(Grid, assessment.grid_id) if assessment.grid_id else None
    findings = sources.integrity_findings(assessment.period_start, assessment.period_end, [assessment.officer_id])
    return AssessmentSheet(
        district=district.name if district else "",
        street=street.name if street else "",
        officer=assessment.officer.name,
        employee_no=assessment.officer.employee_no,
        grid=grid.name if grid else "",
        tier=str(TIER_LABELS.get(assessment.tier_code, assessment.tier_code or "")),
        period=assessment.period,
        version=assessment.version,
        scheme=f"{assessment.scheme.name} v{assessment.scheme.version}",
        lines=assessment.lines,
        score=f"{assessment.score:.2f}",
        computed_score=f"{assessment.computed_score:.2f}",
        adjustment=f"{assessment.adjustment:+.2f}",
        adjustment_reason=assessment.adjustment_reason,
        grade=GRADE_NAMES[assessment.grade],
        veto=assessment.veto_reason,
        capped=assessment.capped,
        no_data=[line["name"] for line in assessment.lines if line["no_data"]],
        monthly=monthly_scores(assessment.officer_id, assessment.period_start.year),
        training_hours=f"{assessment.training_hours}",
        training_required=f"{assessment.training_required}",
        findings=[
            {**f, "severity": SEVERITY_NAMES.get(f["severity"], str(f["severity"]))}
            for f in findings.get(assessment.officer_id, [])
        ],
        reviewer=assessment.reviewed_by,
        review_comment=assessment.review_comment,
        issued_at=local_time(assessment.issued_at),  # Asia/Shanghai, as every page shows times
        code=code,
        verify_url=verify_url(code),
    )


def write_atomically(path: Path, data: bytes) -> None:
    """Temp file in the same directory, fsync, rename, fsync the directory: a reader sees the
    whole document or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def archive(assessment: Assessment, *, reports_dir: str, font_path: str | None = None) -> AssessmentDocument:
    code = new_code()
    data = assessment_certificate(sheet_for(assessment, code), font_path=font_path)
    relative = Path("assessments") / assessment.period / f"{assessment.officer_id}-v{assessment.version}-{code}.pdf"
    write_atomically(Path(reports_dir) / relative, data)
    document = AssessmentDocument(
        assessment=assessment,
        code=code,
        path=str(relative),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    db.session.add(document)
    db.session.flush()
    return document


def read_archived(document: AssessmentDocument, reports_dir: str) -> bytes:
    return (Path(reports_dir) / document.path).read_bytes()


def by_code(code: str) -> AssessmentDocument | None:
    if not code or len(code) > 20:
        return None
    return db.session.scalar(sa.select(AssessmentDocument).where(AssessmentDocument.code == code.upper()))
