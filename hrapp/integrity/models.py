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
from hrapp.core.audit import Audited
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

# Chinese labels of every audited field, for the audit-trail presentation.
AUDIT_LABELS_ZH = {
    "integrity_plans": {
        "name": "计划名称",
        "period_start": "开始日期",
        "period_end": "结束日期",
        "mode": "方式",
        "scope_kind": "范围类型",
        "scope": "范围",
        "lead_unit": "牵头单位",
        "created_by_id": "创建人",
        "note": "备注",
    },
    "integrity_checklist_templates": {
        "target_type": "对象类型",
        "version": "版本",
        "items": "检查项",
        "active": "启用",
    },
    "integrity_checks": {
        "number": "编号",
        "plan_id": "计划",
        "status": "状态",
        "target_type": "对象类型",
        "target_officer_id": "对象网格员",
        "target_label": "对象名称",
        "street_id": "街道",
        "place": "地点",
        "started_at": "开始时间",
        "ended_at": "结束时间",
        "method": "方式方法",
        "template_id": "检查清单",
        "checklist": "检查结果",
        "notes": "记录",
        "result_code": "处理结果",
        "draw_id": "抽签",
        "outside_draw_reason": "抽签外原因",
        "created_by_id": "创建人",
        "submitted_at": "提交时间",
        "submitted_by_id": "提交人",
        "closed_at": "办结时间",
        "closed_by_id": "办结人",
        "version": "版本号",
    },
    "integrity_check_inspectors": {
        "check_id": "检查",
        "user_id": "督查员",
        "no_conflict": "无利益冲突声明",
        "declared_at": "声明时间",
    },
    "integrity_findings": {
        "check_id": "检查",
        "code": "问题代码",
        "severity": "严重程度",
        "deduction": "扣分",
        "description": "问题描述",
        "found_on": "发现日期",
        "amends_id": "更正对象",
        "amendment_id": "更正记录",
        "withdrawn": "已撤销",
    },
    "integrity_finding_officers": {"finding_id": "问题", "officer_id": "责任人"},
    "integrity_amendments": {
        "check_id": "检查",
        "reason": "更正原因",
        "changes": "更正内容",
        "source": "来源",
        "created_by_id": "更正人",
        "created_at": "更正时间",
    },
    "integrity_evidence": {
        "check_id": "检查",
        "original_name": "原文件名",
        "stored_name": "存储名",
        "content_type": "文件类型",
        "kind": "证据类别",
        "size": "大小",
        "sha256": "SHA-256",
        "uploaded_by_id": "上传人",
        "uploaded_at": "上传时间",
    },
    "integrity_rectifications": {
        "check_id": "检查",
        "notice_no": "整改通知书编号",
        "owner_officer_id": "整改责任人",
        "owner_unit": "责任单位",
        "deadline": "整改期限",
        "status": "整改状态",
        "reinspection_check_id": "复查检查",
        "completed_on": "完成日期",
        "note": "备注",
    },
    "integrity_actions": {
        "check_id": "检查",
        "officer_id": "被问责人",
        "kind": "问责方式",
        "decision_no": "决定文号",
        "decided_on": "决定日期",
        "note": "备注",
    },
    "integrity_appeals": {
        "check_id": "检查",
        "officer_id": "申诉人",
        "filed_by_id": "提交账号",
        "filed_at": "申诉时间",
        "reason": "申诉理由",
        "outcome": "申诉结果",
        "decision_note": "处理意见",
        "decided_by_id": "处理人",
        "decided_at": "处理时间",
        "amendment_id": "更正记录",
    },
    "integrity_draws": {
        "period_start": "开始日期",
        "period_end": "结束日期",
        "seed": "随机种子",
        "random_count": "随机抽取数",
        "weighted_count": "风险加权数",
        "street_id": "街道",
        "pool": "候选池",
        "weights": "权重",
        "picks": "抽中对象",
        "run_by_id": "执行人",
        "run_at": "抽签时间",
    },
}


class CheckPlan(Audited, TimestampMixin, db.Model):
    __tablename__ = "integrity_plans"

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

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(sa.String(10))
    version: Mapped[int] = mapped_column(default=1)
    items: Mapped[list] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (sa.UniqueConstraint("target_type", "version", name="uq_integrity_checklist_templates_version"),)


class Check(Audited, TimestampMixin, db.Model):
    __tablename__ = "integrity_checks"

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
