"""Tiers, tier records, promotion rules, annual results, training and promotion cases."""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrapp.core.audit import Audited, list_page, officer_page, record_page
from hrapp.core.db import EffectiveDatedMixin, TimestampMixin, utcnow
from hrapp.extensions import db
from hrapp.training.models import COURSE_CATEGORIES

# Stored codes; labels for display. Tiers are compared by their ordinal, never by name.
TIER_LABELS = {
    "probation": _l("Probation (见习)"),
    "junior": _l("Junior (初级)"),
    "intermediate": _l("Intermediate (中级)"),
    "senior": _l("Senior (高级)"),
}
RECORD_REASONS = {
    "hire": _l("Hire"),
    "annual_step": _l("Annual step"),
    "promotion": _l("Promotion"),
    "demotion": _l("Demotion"),
    "correction": _l("Correction"),
}
# Annual grade ordinals: higher is better.
GRADES = {
    4: _l("Excellent (优秀)"),
    3: _l("Qualified (合格)"),
    2: _l("Basically qualified (基本合格)"),
    1: _l("Unqualified (不合格)"),
}
# Integrity finding severity ordinals: higher is worse (the integrity domain uses the same scale).
SEVERITIES = {
    1: _l("Minor (轻微)"),
    2: _l("Moderate (一般)"),
    3: _l("Serious (严重)"),
    4: _l("Grave (重大)"),
}
CASE_KINDS = {
    "promotion": _l("Promotion"),
    "demotion": _l("Demotion"),
    "reversal": _l("Reversal"),
}
CASE_STATUSES = {
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
}


def grade_label(grade: int | None) -> str:
    return str(GRADES.get(grade, "—")) if grade else "—"


class Tier(Audited, db.Model):
    """A rung of the ladder. `ordinal` orders the ladder (0 = probation); `skill_level` is the
    national occupation's level (5 = 五级 … 1 = 一级, lower is higher): stored, never compared by name."""

    __tablename__ = "tiers"
    __audit_label__ = _l("Tier")
    __audit_title__ = "label"
    __audit_link__ = record_page("certification.tier_edit", "tier_id")
    __audit_choices__ = {"code": TIER_LABELS}
    __audit_fields__ = {
        "ordinal": _l("Place on the ladder"),
        "code": _l("Tier"),
        "skill_level": _l("Skill level"),
        "max_step": _l("Highest step"),
        "annual_training_hours": _l("Required training hours per year"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    ordinal: Mapped[int] = mapped_column(unique=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    skill_level: Mapped[int | None]
    max_step: Mapped[int] = mapped_column(default=8)
    annual_training_hours: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(6, 1), default=decimal.Decimal(40))

    __table_args__ = (sa.CheckConstraint("max_step >= 1 AND max_step <= 8", name="max_step"),)

    @property
    def label(self) -> str:
        return str(TIER_LABELS.get(self.code, self.code))


class TierRecord(Audited, EffectiveDatedMixin, TimestampMixin, db.Model):
    """An officer's tier and step over [effective_from, effective_to); no overlaps per officer."""

    __tablename__ = "tier_records"
    __audit_officer__ = "officer_id"
    __audit_label__ = _l("Tier record")
    __audit_title__ = "tier.label"
    __audit_link__ = officer_page("certification.officer_tiers")
    __audit_choices__ = {"reason": RECORD_REASONS}
    __audit_fields__ = {
        "officer_id": _l("Officer"),
        "tier_id": _l("Tier"),
        "step": _l("Step"),
        "reason": _l("Reason"),
        "step_year": _l("Step for grade year"),
        "note": _l("Note"),
        "effective_from": _l("Effective from"),
        "effective_to": _l("Effective until"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    tier_id: Mapped[int] = mapped_column(sa.ForeignKey("tiers.id"), index=True)
    step: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str] = mapped_column(sa.String(20))
    # The grade year an annual step was granted for: makes the yearly run idempotent.
    step_year: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    tier = relationship("Tier", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("effective_to IS NULL OR effective_to > effective_from", name="period"),
        sa.CheckConstraint("step >= 1 AND step <= 8", name="step"),
        sa.CheckConstraint("reason IN ('hire', 'annual_step', 'promotion', 'demotion', 'correction')", name="reason"),
        sa.Index("ix_tier_records_officer_id_effective_from", "officer_id", "effective_from"),
        sa.Index(
            "uq_tier_records_open_officer",
            "officer_id",
            unique=True,
            sqlite_where=sa.text("effective_to IS NULL"),
            postgresql_where=sa.text("effective_to IS NULL"),
        ),
        sa.Index("uq_tier_records_officer_id_step_year", "officer_id", "step_year", unique=True),
    )

    @property
    def reason_label(self) -> str:
        return str(RECORD_REASONS.get(self.reason, self.reason))


class PromotionRuleSet(Audited, EffectiveDatedMixin, TimestampMixin, db.Model):
    """The rules for reaching `target_tier`, one version valid over [effective_from, effective_to).
    A change is a new version; a version is never edited. Empty (NULL) criteria do not apply."""

    __tablename__ = "promotion_rule_sets"
    __audit_label__ = _l("Promotion rules")
    __audit_title__ = "target_tier.label"
    __audit_link__ = list_page("certification.rule_sets")
    __audit_choices__ = {"course_category": COURSE_CATEGORIES, "grade_min": GRADES, "integrity_severity": SEVERITIES}
    __audit_fields__ = {
        "target_tier_id": _l("Target tier"),
        "version": _l("Version"),
        "min_service_years": _l("Minimum years of service"),
        "min_years_in_tier": _l("Minimum years in the current tier"),
        "min_months_in_tier": _l("Minimum months in the current tier"),
        "tenure_either": _l("Either tenure criterion suffices"),
        "training_hours": _l("Required training hours"),
        "training_window_months": _l("Training window (months)"),
        "course_category": _l("Only courses of category"),
        "exam_required": _l("Exam passed required"),
        "exam_min_score": _l("Minimum exam score"),
        "exam_window_months": _l("Exam window (months)"),
        "grade_min": _l("Minimum annual grade"),
        "grade_years": _l("Over the last N years"),
        "grade_min_count": _l("Years that must reach the grade"),
        "integrity_severity": _l("No integrity finding of severity at least"),
        "integrity_months": _l("Integrity window (months; empty: ever)"),
        "note": _l("Note"),
        "created_by_id": _l("Created by"),
        "effective_from": _l("Effective from"),
        "effective_to": _l("Effective until"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    target_tier_id: Mapped[int] = mapped_column(sa.ForeignKey("tiers.id"), index=True)
    version: Mapped[int]
    min_service_years: Mapped[int | None]
    min_years_in_tier: Mapped[int | None]
    # Months in the current tier, always required besides the years above (probation lasts 3–6 months).
    min_months_in_tier: Mapped[int | None]
    # When both tenure criteria are set: True = either suffices (≥4 years as junior OR ≥6 years' service).
    tenure_either: Mapped[bool] = mapped_column(default=False)
    training_hours: Mapped[decimal.Decimal | None] = mapped_column(sa.Numeric(6, 1))
    training_window_months: Mapped[int] = mapped_column(default=12)
    # Only courses of this category count for hours and exam (NULL: every course).
    course_category: Mapped[str | None] = mapped_column(sa.String(20))
    exam_required: Mapped[bool] = mapped_column(default=False)
    exam_min_score: Mapped[int | None]
    exam_window_months: Mapped[int] = mapped_column(default=12)
    # At least `grade_min_count` of the annual results of the last `grade_years` years reach `grade_min`.
    grade_min: Mapped[int | None]
    grade_years: Mapped[int | None]
    grade_min_count: Mapped[int | None]
    # No integrity finding of severity >= integrity_severity in the last integrity_months (NULL: ever).
    integrity_severity: Mapped[int | None]
    integrity_months: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    target_tier = relationship("Tier", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("target_tier_id", "version"),
        sa.CheckConstraint("effective_to IS NULL OR effective_to > effective_from", name="period"),
    )


class AnnualResult(Audited, TimestampMixin, db.Model):
    """An officer's annual grade (优秀/合格/基本合格/不合格 as 4..1), entered by HR until the
    assessments domain issues them."""

    __tablename__ = "annual_results"
    __audit_officer__ = "officer_id"
    __audit_label__ = _l("Annual result")
    __audit_title__ = "year"
    __audit_link__ = officer_page("certification.officer_results")
    __audit_choices__ = {"grade": GRADES}
    __audit_fields__ = {"officer_id": _l("Officer"), "year": _l("Year"), "grade": _l("Grade"), "note": _l("Note")}

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    year: Mapped[int]
    grade: Mapped[int]
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    __table_args__ = (
        sa.UniqueConstraint("officer_id", "year"),
        sa.CheckConstraint("grade >= 1 AND grade <= 4", name="grade"),
    )

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)


course_mandatory_tiers = sa.Table(
    "course_mandatory_tiers",
    db.metadata,
    sa.Column("course_id", sa.ForeignKey("courses.id"), primary_key=True),
    sa.Column("tier_id", sa.ForeignKey("tiers.id"), primary_key=True),
)


class PromotionCase(Audited, TimestampMixin, db.Model):
    """A proposed tier change. submitted → approved (locked; writes the tier record) or rejected.
    An approved case is corrected only by a new case that reverses it (`reverses_id`)."""

    __tablename__ = "promotion_cases"
    __audit_officer__ = "officer_id"
    __audit_label__ = _l("Promotion case")
    __audit_title__ = "audit_title"
    __audit_link__ = record_page("certification.case_detail", "case_id")
    __audit_choices__ = {"kind": CASE_KINDS, "status": CASE_STATUSES}
    __audit_fields__ = {
        "officer_id": _l("Officer"),
        "kind": _l("Type"),
        "status": _l("Status"),
        "from_tier_id": _l("Tier before"),
        "from_step": _l("Step before"),
        "to_tier_id": _l("Tier after"),
        "to_step": _l("Step after"),
        "effective_on": _l("Effective from"),
        "reason": _l("Reason"),
        "snapshot": _l("Eligibility when proposed"),
        "proposed_by_id": _l("Proposed by"),
        "proposed_at": _l("Proposed at"),
        "decided_by_id": _l("Decided by"),
        "decided_at": _l("Decided at"),
        "decision_comment": _l("Decision comment"),
        "reverses_id": _l("Reverses"),
        "tier_record_id": _l("Tier record"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default="submitted", index=True)
    from_tier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tiers.id"))
    from_step: Mapped[int | None]
    to_tier_id: Mapped[int] = mapped_column(sa.ForeignKey("tiers.id"))
    to_step: Mapped[int] = mapped_column(default=1)
    effective_on: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    # The eligibility evaluation as the proposer saw it, frozen (criteria, evidence, rule version).
    snapshot: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    decision_comment: Mapped[str] = mapped_column(sa.Text, default="")
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("promotion_cases.id"))
    tier_record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tier_records.id"))

    officer = relationship("Officer", lazy="joined")
    from_tier = relationship("Tier", foreign_keys=[from_tier_id], lazy="joined")
    to_tier = relationship("Tier", foreign_keys=[to_tier_id], lazy="joined")
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    reverses = relationship("PromotionCase", remote_side=[id], foreign_keys=[reverses_id])

    __table_args__ = (
        sa.CheckConstraint("kind IN ('promotion', 'demotion', 'reversal')", name="kind"),
        sa.CheckConstraint("status IN ('submitted', 'approved', 'rejected')", name="status"),
        sa.CheckConstraint("kind != 'reversal' OR reverses_id IS NOT NULL", name="reversal_link"),
    )

    @property
    def kind_label(self) -> str:
        return str(CASE_KINDS.get(self.kind, self.kind))

    @property
    def status_label(self) -> str:
        return str(CASE_STATUSES.get(self.status, self.status))

    @property
    def audit_title(self) -> str:
        return f"{self.officer.name} · {self.kind_label}"

    @property
    def locked(self) -> bool:
        return self.status != "submitted"


class AnnualStepRun(Audited, db.Model):
    """One application of the yearly step increments (who ran it, for which grade year, how many)."""

    __tablename__ = "annual_step_runs"
    __audit_label__ = _l("Annual step run")
    __audit_title__ = "grade_year"
    __audit_link__ = list_page("certification.annual_steps")
    __audit_fields__ = {
        "grade_year": _l("Grade year"),
        "effective_on": _l("Effective from"),
        "granted": _l("Steps granted"),
        "run_at": _l("Run at"),
        "run_by_id": _l("Run by"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    grade_year: Mapped[int] = mapped_column(index=True)
    effective_on: Mapped[dt.date]
    granted: Mapped[int] = mapped_column(default=0)
    run_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    run_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
