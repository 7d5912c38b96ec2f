"""Schemes, assessments (one row per officer, period and version) and their issued documents."""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrapp.core.audit import Audited, list_page, record_page
from hrapp.core.db import TimestampMixin, utcnow
from hrapp.extensions import db

SCHEME_STATUSES = {"draft": _l("Draft"), "approved": _l("Approved")}
STATUSES = {
    "draft": _l("Computed (draft)"),
    "reviewed": _l("Reviewed"),
    "issued": _l("Issued"),
    "superseded": _l("Superseded"),
}
APPEAL_STATUSES = {"pending": _l("Pending"), "upheld": _l("Upheld (维持)"), "changed": _l("Changed (变更)")}


class AssessmentScheme(Audited, TimestampMixin, db.Model):
    """A version of the scoring rules (indicators, veto, grade bands, 优秀 cap) as data. Approved
    schemes are locked; a change is a new version. An assessment keeps the scheme it was computed by."""

    __tablename__ = "assessment_schemes"
    __audit_label__ = _l("Assessment scheme")
    __audit_title__ = "version"
    __audit_link__ = list_page("assessments.schemes")
    __audit_choices__ = {"status": SCHEME_STATUSES}
    __audit_fields__ = {
        "version": _l("Version"),
        "name": _l("Name"),
        "status": _l("Status"),
        "effective_from": _l("Effective from"),
        "definition": _l("Rules"),
        "approved_at": _l("Approved at"),
        "approved_by": _l("Approved by"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    status: Mapped[str] = mapped_column(sa.String(12), default="draft")
    effective_from: Mapped[dt.date]
    definition: Mapped[dict] = mapped_column(sa.JSON)
    approved_at: Mapped[dt.datetime | None]
    approved_by: Mapped[str] = mapped_column(sa.String(80), default="")


class Assessment(Audited, TimestampMixin, db.Model):
    """An officer's result for a period (month 2026-10, quarter 2026-Q4 or year 2026): indicator
    lines with their raw figures (JSON, as computed), score, grade, veto. Draft → reviewed → issued
    (locked); a decided appeal that changes the result issues version n+1 and supersedes this one."""

    __tablename__ = "assessments"
    __audit_officer__ = "officer_id"
    __audit_label__ = _l("Assessment")
    __audit_title__ = "period"
    __audit_link__ = record_page("assessments.detail", "assessment_id")
    __audit_choices__ = {"status": STATUSES}
    __audit_fields__ = {
        "officer_id": _l("Officer"),
        "period": _l("Period"),
        "period_start": _l("Start"),
        "period_end": _l("End"),
        "scheme_id": _l("Assessment scheme"),
        "version": _l("Version"),
        "status": _l("Status"),
        "street_id": _l("Street"),
        "grid_id": _l("Grid"),
        "tier_code": _l("Tier"),
        "lines": _l("Indicators"),
        "computed_score": _l("Computed score"),
        "adjustment": _l("Adjustment"),
        "adjustment_reason": _l("Reason for the adjustment"),
        "score": _l("Score"),
        "grade": _l("Grade"),
        "veto_reason": _l("Veto"),
        "capped": _l("Capped by the 优秀 quota"),
        "training_hours": _l("Training hours"),
        "training_required": _l("Required training hours"),
        "review_comment": _l("Review comment"),
        "reviewed_by": _l("Reviewed by"),
        "reviewed_at": _l("Reviewed at"),
        "issued_by": _l("Issued by"),
        "issued_at": _l("Issued at"),
        "supersedes_id": _l("Supersedes"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    period: Mapped[str] = mapped_column(sa.String(7), index=True)
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    scheme_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_schemes.id"))
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(sa.String(12), default="draft", index=True)
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("streets.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grids.id"))
    tier_code: Mapped[str] = mapped_column(sa.String(20), default="")
    lines: Mapped[list] = mapped_column(sa.JSON, default=list)
    computed_score: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(5, 2))
    adjustment: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(5, 2), default=decimal.Decimal(0))
    adjustment_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    score: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(5, 2))
    grade: Mapped[int]
    veto_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    capped: Mapped[bool] = mapped_column(default=False)
    training_hours: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(6, 1), default=decimal.Decimal(0))
    training_required: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(6, 1), default=decimal.Decimal(0))
    review_comment: Mapped[str] = mapped_column(sa.String(500), default="")
    reviewed_by: Mapped[str] = mapped_column(sa.String(80), default="")
    reviewed_at: Mapped[dt.datetime | None]
    issued_by: Mapped[str] = mapped_column(sa.String(80), default="")
    issued_at: Mapped[dt.datetime | None]
    # Indexed: SQLite checks this self-reference for every deleted row.
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assessments.id"), index=True)

    officer = relationship("Officer", lazy="joined", innerjoin=True)
    scheme = relationship(AssessmentScheme, lazy="joined", innerjoin=True)
    document = relationship("AssessmentDocument", uselist=False, back_populates="assessment", lazy="selectin")

    __table_args__ = (
        sa.UniqueConstraint("officer_id", "period", "version"),
        sa.CheckConstraint("grade >= 1 AND grade <= 4", name="grade"),
    )

    @property
    def locked(self) -> bool:
        return self.status in ("issued", "superseded")


class AssessmentDocument(Audited, db.Model):
    """The issued PDF: where it is archived, its SHA-256 and the public verification code."""

    __tablename__ = "assessment_documents"
    __audit_label__ = _l("Assessment document")
    __audit_title__ = "code"
    __audit_link__ = None
    __audit_fields__ = {
        "assessment_id": _l("Assessment"),
        "code": _l("Verification code"),
        "path": _l("Archive path"),
        "sha256": _l("SHA-256"),
        "size": _l("Size"),
        "issued_at": _l("Issued at"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), unique=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    path: Mapped[str] = mapped_column(sa.String(300))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    assessment = relationship(Assessment, back_populates="document")


class AssessmentAppeal(Audited, TimestampMixin, db.Model):
    """An officer's appeal against an issued assessment; a 'changed' decision issues a new version."""

    __tablename__ = "assessment_appeals"
    __audit_label__ = _l("Assessment appeal")
    __audit_link__ = None
    __audit_choices__ = {"status": APPEAL_STATUSES}
    __audit_fields__ = {
        "assessment_id": _l("Assessment"),
        "reason": _l("Reason"),
        "status": _l("Status"),
        "decision": _l("Decision"),
        "decided_by": _l("Decided by"),
        "decided_at": _l("Decided at"),
        "result_id": _l("New version"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    decision: Mapped[str] = mapped_column(sa.String(500), default="")
    decided_by: Mapped[str] = mapped_column(sa.String(80), default="")
    decided_at: Mapped[dt.datetime | None]
    result_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assessments.id"))
