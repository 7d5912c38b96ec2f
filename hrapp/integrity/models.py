"""Integrity records. Findings, their responsible officers and evidence are immutable once their
check is submitted: a correction is an `Amendment` that adds a replacing finding (`amends_id`),
never an edit in place. `guard_locked_records` enforces this for every path through the ORM."""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from hrapp.certification.models import SEVERITIES
from hrapp.core.audit import Audited, list_page, record_page
from hrapp.core.db import TimestampMixin, utcnow
from hrapp.extensions import db

__all__ = ["SEVERITIES"]

MODES = {
    "announced": _l("Announced (明查)"),
    "unannounced": _l("Unannounced (暗访)"),
    "cross": _l("Cross-check (交叉)"),
    "third_party": _l("Third party (第三方)"),
}
SCOPE_KINDS = {"posts": _l("Posts"), "streets": _l("Streets")}
TARGET_TYPES = {
    "officer": _l("Officer"),
    "window": _l("Service window"),
    "post": _l("Case-inspection post"),
    "unit": _l("Unit"),
}
METHODS = {
    "observation": _l("On-site observation (现场观察)"),
    "mystery_shopper": _l("Simulated request (模拟办事)"),
    "phone": _l("Phone check (电话暗访)"),
    "data_review": _l("Data review (数据核查)"),
    "callback": _l("Citizen call-back (回访群众)"),
}
# code -> (label, default severity, default deduction points)
FINDING_CODES = {
    "F01": (_l("F01 Absent from post (脱岗)"), 2, decimal.Decimal("3")),
    "F02": (_l("F02 Late or left early (迟到早退)"), 1, decimal.Decimal("1")),
    "F03": (_l("F03 Phone or games on duty (玩手机/游戏)"), 1, decimal.Decimal("1")),
    "F04": (_l("F04 Rude or quarrelling (态度生硬/争吵)"), 2, decimal.Decimal("2")),
    "F05": (_l("F05 Buck-passing or overdue (推诿/超时限)"), 2, decimal.Decimal("2")),
    "F06": (_l("F06 Asking for favours (吃拿卡要)"), 3, decimal.Decimal("10")),
    "F07": (_l("F07 Illegal fees (违规收费)"), 3, decimal.Decimal("10")),
    "F08": (_l("F08 False or hidden reports (虚报瞒报/数据造假)"), 3, decimal.Decimal("8")),
    "F09": (_l("F09 Faked tracks or clock-in (轨迹造假/代打卡)"), 3, decimal.Decimal("6")),
    "F10": (_l("F10 Improper home entry or privacy breach (违规入户/侵犯隐私)"), 3, decimal.Decimal("6")),
    "F11": (_l("F11 Missing public notices (公示缺失)"), 1, decimal.Decimal("1")),
    "F12": (_l("F12 Dress and appearance (仪容着装)"), 1, decimal.Decimal("0.5")),
    "F99": (_l("F99 Other (其他)"), 1, decimal.Decimal("1")),
}
RESULT_CODES = {
    "R0": _l("R0 No problem found"),
    "R1": _l("R1 Corrected on the spot"),
    "R2": _l("R2 Rectification ordered with a deadline"),
    "R3": _l("R3 Public criticism (通报批评)"),
    "R4": _l("R4 Admonition talk (约谈/诫勉)"),
    "R5": _l("R5 Referred for discipline or dismissal"),
}
CHECK_STATUSES = {"draft": _l("Draft"), "submitted": _l("Submitted (locked)"), "closed": _l("Closed")}
CHECKLIST_RESULTS = {"pass": _l("Meets (符合)"), "fail": _l("Fails (不符合)"), "na": _l("Not applicable")}
RECTIFICATION_STATUSES = {
    "pending": _l("To rectify (待整改)"),
    "in_progress": _l("Rectifying (整改中)"),
    "awaiting_review": _l("Awaiting review (待复核)"),
    "passed": _l("Review passed (复核通过)"),
    "failed": _l("Review failed (复核不通过)"),
    "overdue": _l("Overdue (逾期)"),
}
ACTION_KINDS = {
    "criticism": _l("Public criticism (通报批评)"),
    "talk": _l("Admonition talk (诫勉谈话)"),
    "warning": _l("Warning (警告)"),
    "demerit": _l("Demerit (记过)"),
    "pay_deduction": _l("Performance pay deduction (扣发绩效)"),
    "dismissal": _l("Dismissal (解聘)"),
}
APPEAL_OUTCOMES = {"upheld": _l("Upheld (维持)"), "changed": _l("Changed (变更)"), "revoked": _l("Revoked (撤销)")}
EVIDENCE_KINDS = {"photo": _l("Photo"), "audio": _l("Audio"), "video": _l("Video"), "document": _l("Document")}
AMENDMENT_SOURCES = {"correction": _l("Correction"), "appeal": _l("Appeal")}
# Where a logged read of checks happened (the `what` of its audit row).
READ_PLACES = {
    "start page": _l("Integrity start page"),
    "plan": _l("Plan page"),
    "list": _l("List of checks"),
    "check": _l("Check page"),
    "edit": _l("Check form"),
}


class CheckPlan(Audited, TimestampMixin, db.Model):
    __tablename__ = "integrity_plans"
    __audit_label__ = _l("Check plan")
    __audit_title__ = "name"
    __audit_link__ = record_page("integrity.plan_detail", "plan_id")
    __audit_choices__ = {"mode": MODES, "scope_kind": SCOPE_KINDS}
    __audit_fields__ = {
        "name": _l("Plan name"),
        "period_start": _l("Start date"),
        "period_end": _l("End date"),
        "mode": _l("Mode"),
        "scope_kind": _l("Scope type"),
        "scope": _l("Scope"),
        "lead_unit": _l("Lead unit"),
        "created_by_id": _l("Created by"),
        "note": _l("Note"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    mode: Mapped[str] = mapped_column(sa.String(20))
    scope_kind: Mapped[str] = mapped_column(sa.String(10), default="streets")
    scope: Mapped[str] = mapped_column(sa.String(300), default="")
    lead_unit: Mapped[str] = mapped_column(sa.String(120), default="")
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    checks = relationship("Check", back_populates="plan", order_by="Check.started_at.desc()")

    __table_args__ = (
        sa.CheckConstraint("period_end >= period_start", name="period"),
        sa.CheckConstraint("mode IN ('announced', 'unannounced', 'cross', 'third_party')", name="mode"),
    )

    @property
    def mode_label(self) -> str:
        return str(MODES.get(self.mode, self.mode))


class ChecklistTemplate(Audited, TimestampMixin, db.Model):
    """A versioned checklist per target type; a check keeps the version it was filled against."""

    __tablename__ = "integrity_checklist_templates"
    __audit_label__ = _l("Checklist")
    __audit_title__ = "audit_title"
    __audit_link__ = list_page("integrity.checklists")
    __audit_choices__ = {"target_type": TARGET_TYPES}
    __audit_fields__ = {
        "target_type": _l("Target type"),
        "version": _l("Version"),
        "items": _l("Checklist items"),
        "active": _l("Active"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(sa.String(10))
    version: Mapped[int] = mapped_column(default=1)
    items: Mapped[list] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (sa.UniqueConstraint("target_type", "version", name="uq_integrity_checklist_templates_version"),)

    @property
    def audit_title(self) -> str:
        return f"{TARGET_TYPES.get(self.target_type, self.target_type)} v{self.version}"


class Check(Audited, TimestampMixin, db.Model):
    __tablename__ = "integrity_checks"
    __audit_label__ = _l("Integrity check")
    __audit_title__ = "number"
    __audit_link__ = record_page("integrity.check_detail", "check_id")
    __audit_choices__ = {
        "status": CHECK_STATUSES,
        "target_type": TARGET_TYPES,
        "method": METHODS,
        "result_code": RESULT_CODES,
        "what": READ_PLACES,
    }
    __audit_fields__ = {
        # The details of a logged read (see views._log_check_read) and of an export.
        "what": _l("Read on"),
        "numbers": _l("Checks shown"),
        "checks": _l("Checks exported"),
        "start": _l("From"),
        "end": _l("Until"),
        "number": _l("Number"),
        "plan_id": _l("Plan"),
        "status": _l("Status"),
        "target_type": _l("Target type"),
        "target_officer_id": _l("Target officer"),
        "target_label": _l("Target name"),
        "street_id": _l("Street"),
        "place": _l("Place"),
        "started_at": _l("Started at"),
        "ended_at": _l("Ended at"),
        "method": _l("Check method"),
        "template_id": _l("Checklist"),
        "checklist": _l("Checklist answers"),
        "notes": _l("Check notes"),
        "result_code": _l("Handling result"),
        "draw_id": _l("Draw"),
        "outside_draw_reason": _l("Reason outside the draw"),
        "created_by_id": _l("Created by"),
        "submitted_at": _l("Submitted at"),
        "submitted_by_id": _l("Submitted by"),
        "closed_at": _l("Closed at"),
        "closed_by_id": _l("Closed by"),
        "version": _l("Revision"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("integrity_plans.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="draft", index=True)
    target_type: Mapped[str] = mapped_column(sa.String(10), default="officer")
    target_officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    target_label: Mapped[str] = mapped_column(sa.String(120), default="")
    # The street the check concerns: street HR clerks see closed results of their street only.
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("streets.id"), index=True)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    started_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    method: Mapped[str] = mapped_column(sa.String(20), default="observation")
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("integrity_checklist_templates.id"))
    checklist: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    result_code: Mapped[str | None] = mapped_column(sa.String(2))
    draw_id: Mapped[int | None] = mapped_column(sa.ForeignKey("integrity_draws.id"))
    outside_draw_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    plan = relationship("CheckPlan", back_populates="checks")
    target_officer = relationship("Officer")
    street = relationship("Street")
    template = relationship("ChecklistTemplate")
    inspectors = relationship(
        "CheckInspector", back_populates="check", order_by="CheckInspector.id", cascade="all, delete-orphan"
    )
    findings = relationship("Finding", back_populates="check", order_by="Finding.id")
    evidence = relationship("Evidence", back_populates="check", order_by="Evidence.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'submitted', 'closed')", name="status"),
        sa.CheckConstraint("target_type IN ('officer', 'window', 'post', 'unit')", name="target_type"),
        sa.CheckConstraint("ended_at IS NULL OR started_at IS NULL OR ended_at >= started_at", name="times"),
    )

    @property
    def status_label(self) -> str:
        return str(CHECK_STATUSES.get(self.status, self.status))

    @property
    def target_name(self) -> str:
        if self.target_type == "officer" and self.target_officer is not None:
            return f"{self.target_officer.name} ({self.target_officer.employee_no})"
        return self.target_label

    @property
    def result_label(self) -> str:
        return str(RESULT_CODES.get(self.result_code, "")) if self.result_code else ""

    @property
    def current_findings(self) -> list[Finding]:
        """Findings in force: not replaced by an amendment, not withdrawn."""
        replaced = {f.amends_id for f in self.findings if f.amends_id}
        return [f for f in self.findings if f.id not in replaced and not f.withdrawn]


class CheckInspector(Audited, db.Model):
    """An inspector on a check; each declares, themself, no conflict of interest with the target."""

    __tablename__ = "integrity_check_inspectors"
    # The records of a check (inspectors, findings, evidence, amendments, actions) are shown on its
    # page; their trail names them but links only to records with a page of their own.
    __audit_label__ = _l("Check inspector")
    __audit_title__ = "user.username"
    __audit_fields__ = {
        "check_id": _l("Check"),
        "user_id": _l("Inspector"),
        "no_conflict": _l("No-conflict declaration"),
        "declared_at": _l("Declared at"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(sa.ForeignKey("integrity_checks.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    no_conflict: Mapped[bool] = mapped_column(default=False)
    declared_at: Mapped[dt.datetime | None]

    check = relationship("Check", back_populates="inspectors")
    user = relationship("User", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("check_id", "user_id", name="uq_integrity_check_inspectors_check_user"),)


finding_officers = sa.Table(
    "integrity_finding_officers",
    db.metadata,
    sa.Column("finding_id", sa.ForeignKey("integrity_findings.id"), primary_key=True),
    sa.Column("officer_id", sa.ForeignKey("officers.id"), primary_key=True, index=True),
)


class Finding(Audited, TimestampMixin, db.Model):
    __tablename__ = "integrity_findings"
    __audit_label__ = _l("Check finding")
    __audit_title__ = "code_label"
    __audit_choices__ = {
        "code": {code: label for code, (label, _severity, _points) in FINDING_CODES.items()},
        "severity": SEVERITIES,
    }
    __audit_fields__ = {
        "check_id": _l("Check"),
        "code": _l("Finding code"),
        "severity": _l("Severity"),
        "deduction": _l("Deduction"),
        "description": _l("Finding description"),
        "found_on": _l("Found on"),
        "amends_id": _l("Amends"),
        "amendment_id": _l("Amendment record"),
        "withdrawn": _l("Withdrawn"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(sa.ForeignKey("integrity_checks.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(3))
    severity: Mapped[int]
    deduction: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(5, 1))
    description: Mapped[str] = mapped_column(sa.String(2000), default="")
    found_on: Mapped[dt.date]
    # An amendment replaces a finding by a new row; the old one stays as it was.
    amends_id: Mapped[int | None] = mapped_column(sa.ForeignKey("integrity_findings.id"), unique=True)
    amendment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("integrity_amendments.id"))
    withdrawn: Mapped[bool] = mapped_column(default=False)

    check = relationship("Check", back_populates="findings")
    amendment = relationship("Amendment", foreign_keys=[amendment_id])
    responsible = relationship("Officer", secondary=finding_officers, order_by="Officer.employee_no")

    __table_args__ = (
        sa.CheckConstraint("severity BETWEEN 1 AND 4", name="severity"),
        sa.CheckConstraint("deduction >= 0", name="deduction"),
    )

    @property
    def code_label(self) -> str:
        return str(FINDING_CODES[self.code][0]) if self.code in FINDING_CODES else self.code

    @property
    def severity_label(self) -> str:
        return str(SEVERITIES.get(self.severity, self.severity))


class Amendment(Audited, db.Model):
    """A correction after submission: what changed (before → after), by whom, when and why."""

    __tablename__ = "integrity_amendments"
    __audit_label__ = _l("Amendment")
    __audit_choices__ = {"source": AMENDMENT_SOURCES}
    __audit_fields__ = {
        "check_id": _l("Check"),
        "reason": _l("Amendment reason"),
        "changes": _l("Amended content"),
        "source": _l("Source"),
        "created_by_id": _l("Amended by"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(sa.ForeignKey("integrity_checks.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(2000))
    changes: Mapped[list] = mapped_column(sa.JSON, default=list)
    source: Mapped[str] = mapped_column(sa.String(10), default="correction")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    check = relationship("Check")
    created_by = relationship("User")


class Evidence(Audited, db.Model):
    __tablename__ = "integrity_evidence"
    __audit_label__ = _l("Check evidence")
    __audit_title__ = "original_name"
    __audit_choices__ = {"kind": EVIDENCE_KINDS}
    __audit_fields__ = {
        "check_id": _l("Check"),
        "original_name": _l("Original file name"),
        "stored_name": _l("Stored name"),
        "content_type": _l("File type"),
        "kind": _l("Evidence kind"),
        "size": _l("Size"),
        "sha256": _l("SHA-256"),
        "check": _l("Check"),  # the check number, in the audit row of a download
        "uploaded_by_id": _l("Uploaded by"),
        "uploaded_at": _l("Uploaded at"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(sa.ForeignKey("integrity_checks.id"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(10))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    check = relationship("Check", back_populates="evidence")

    @property
    def kind_label(self) -> str:
        return str(EVIDENCE_KINDS.get(self.kind, self.kind))


class Rectification(Audited, TimestampMixin, db.Model):
    __tablename__ = "integrity_rectifications"
    __audit_label__ = _l("Rectification")
    __audit_title__ = "notice_no"
    __audit_link__ = record_page("integrity.rectification_update", "rectification_id")
    __audit_choices__ = {"status": RECTIFICATION_STATUSES}
    __audit_fields__ = {
        "check_id": _l("Check"),
        "notice_no": _l("Rectification notice number"),
        "owner_officer_id": _l("Officer responsible for rectification"),
        "owner_unit": _l("Responsible unit"),
        "deadline": _l("Rectification deadline"),
        "status": _l("Rectification status"),
        "reinspection_check_id": _l("Re-inspection check"),
        "completed_on": _l("Completed on"),
        "note": _l("Note"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(sa.ForeignKey("integrity_checks.id"), index=True)
    notice_no: Mapped[str] = mapped_column(sa.String(40), unique=True)
    owner_officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"))
    owner_unit: Mapped[str] = mapped_column(sa.String(120), default="")
    deadline: Mapped[dt.date]
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    reinspection_check_id: Mapped[int | None] = mapped_column(sa.ForeignKey("integrity_checks.id"))
    completed_on: Mapped[dt.date | None]
    note: Mapped[str] = mapped_column(sa.String(1000), default="")

    check = relationship("Check", foreign_keys=[check_id])
    owner = relationship("Officer")
    reinspection = relationship("Check", foreign_keys=[reinspection_check_id])

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending', 'in_progress', 'awaiting_review', 'passed', 'failed', 'overdue')", name="status"
        ),
    )

    @property
    def status_label(self) -> str:
        return str(RECTIFICATION_STATUSES.get(self.status, self.status))


class AccountabilityAction(Audited, TimestampMixin, db.Model):
    __tablename__ = "integrity_actions"
    __audit_label__ = _l("Accountability action")
    __audit_title__ = "decision_no"
    __audit_choices__ = {"kind": ACTION_KINDS}
    __audit_fields__ = {
        "check_id": _l("Check"),
        "officer_id": _l("Officer held accountable"),
        "kind": _l("Accountability type"),
        "decision_no": _l("Decision number"),
        "decided_on": _l("Decision date"),
        "note": _l("Note"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(sa.ForeignKey("integrity_checks.id"), index=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    decision_no: Mapped[str] = mapped_column(sa.String(60))
    decided_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(sa.String(1000), default="")

    check = relationship("Check")
    officer = relationship("Officer")

    @property
    def kind_label(self) -> str:
        return str(ACTION_KINDS.get(self.kind, self.kind))


class Appeal(Audited, TimestampMixin, db.Model):
    """An appeal (申诉) by the officer concerned against a closed check's findings."""

    __tablename__ = "integrity_appeals"
    __audit_label__ = _l("Appeal")
    __audit_link__ = record_page("integrity.appeal_decide", "appeal_id")
    __audit_choices__ = {"outcome": APPEAL_OUTCOMES}
    __audit_fields__ = {
        "check_id": _l("Check"),
        "officer_id": _l("Appellant"),
        "filed_by_id": _l("Filed by account"),
        "filed_at": _l("Appeal time"),
        "reason": _l("Appeal reason"),
        "outcome": _l("Appeal outcome"),
        "decision_note": _l("Handling opinion"),
        "decided_by_id": _l("Handled by"),
        "decided_at": _l("Handled at"),
        "amendment_id": _l("Amendment record"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(sa.ForeignKey("integrity_checks.id"), index=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    filed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(sa.String(2000))
    outcome: Mapped[str | None] = mapped_column(sa.String(10))
    decision_note: Mapped[str] = mapped_column(sa.String(2000), default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    amendment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("integrity_amendments.id"))

    check = relationship("Check")
    officer = relationship("Officer")

    __table_args__ = (
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('upheld', 'changed', 'revoked')", name="outcome"),
    )

    @property
    def outcome_label(self) -> str:
        return str(APPEAL_OUTCOMES.get(self.outcome, "")) if self.outcome else str(_l("Pending"))


class Draw(Audited, db.Model):
    """A risk-based draw of targets, reproducible from what it stores: seed, pool and weights."""

    __tablename__ = "integrity_draws"
    __audit_label__ = _l("Risk-based draw")
    __audit_link__ = record_page("integrity.draw_detail", "draw_id")
    __audit_fields__ = {
        "period_start": _l("Start date"),
        "period_end": _l("End date"),
        "seed": _l("Random seed"),
        "random_count": _l("Random picks"),
        "weighted_count": _l("Risk-weighted picks"),
        "street_id": _l("Street"),
        "pool": _l("Candidate pool"),
        "weights": _l("Weights"),
        "picks": _l("Drawn targets"),
        "run_by_id": _l("Run by"),
        "run_at": _l("Drawn at"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    random_count: Mapped[int]
    weighted_count: Mapped[int]
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("streets.id"))
    pool: Mapped[list] = mapped_column(sa.JSON, default=list)
    weights: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    picks: Mapped[list] = mapped_column(sa.JSON, default=list)
    run_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    run_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    street = relationship("Street")
    run_by = relationship("User")

    __table_args__ = (sa.CheckConstraint("period_end >= period_start", name="period"),)


# --- the lock ----------------------------------------------------------------------------------

# After submission only the closing fields of a check may change (and the version counter).
_CLOSING_FIELDS = frozenset({"status", "closed_at", "closed_by_id", "version", "updated_at"})


class LockedRecord(Exception):
    """A submitted check's findings, evidence or content were about to change in place."""


def _committed_status(check: Check) -> str | None:
    history = sa.inspect(check).attrs.status.history
    if history.deleted:
        return history.deleted[0]
    return check.status


def _check_of(session: Session, check_id) -> Check | None:
    return session.get(Check, check_id) if check_id is not None else None


@event.listens_for(Session, "before_flush")
def guard_locked_records(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Check) and obj not in session.new:
            if _committed_status(obj) == "draft":
                continue
            if obj in session.deleted:
                raise LockedRecord("a submitted check cannot be deleted")
            state = sa.inspect(obj)
            changed = {attr.key for attr in state.mapper.column_attrs if state.attrs[attr.key].history.has_changes()}
            if changed - _CLOSING_FIELDS:
                raise LockedRecord(f"a submitted check cannot change {sorted(changed - _CLOSING_FIELDS)}")
        elif isinstance(obj, Finding | Evidence | CheckInspector):
            if not session.is_modified(obj) and obj not in session.deleted:
                continue
            check = _check_of(session, obj.check_id)
            if check is not None and _committed_status(check) != "draft":
                raise LockedRecord("the findings and evidence of a submitted check are immutable")
    for obj in session.new:
        if isinstance(obj, Evidence):
            check = _check_of(session, obj.check_id) or obj.check
            if check is not None and _committed_status(check) != "draft":
                raise LockedRecord("evidence cannot be added to a submitted check")
        elif isinstance(obj, Finding) and obj.amendment_id is None and obj.amendment is None:
            check = _check_of(session, obj.check_id) or obj.check
            if check is not None and _committed_status(check) != "draft":
                raise LockedRecord("a finding is added to a submitted check only by an amendment")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_rewrites(orm_execute_state) -> None:
    """Bulk UPDATE/DELETE would bypass the flush guard: refuse it on records that lock."""
    if (orm_execute_state.is_update or orm_execute_state.is_delete) and any(
        mapper.class_ in (Finding, Evidence, Amendment) for mapper in orm_execute_state.all_mappers
    ):
        raise LockedRecord("integrity findings, evidence and amendments are not rewritten in bulk")
