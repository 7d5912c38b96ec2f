"""Integrity rules (state changes). Services flush, never commit.

- A check goes draft → submitted → closed. Submission needs at least two inspectors who have each
  declared, themselves, no conflict of interest with the target; start and end; a result code;
  findings exactly when the result is not R0; and, for an officer picked outside every draw of the
  period, a recorded reason. From submission on, findings and evidence are locked (see models).
- A correction after submission is an `Amendment`: replacing findings (or withdrawals) with the
  before/after of each changed field, who and why.
Follow-up (rectification, accountability, appeals) lives in followup.py.
"""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.core.db import today, utcnow
from hrapp.core.permissions import Role, can_see_open_checks, has_role
from hrapp.errors import Conflict, DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.integrity.models import (
    CHECKLIST_RESULTS,
    FINDING_CODES,
    METHODS,
    MODES,
    RESULT_CODES,
    SCOPE_KINDS,
    TARGET_TYPES,
    Amendment,
    Check,
    CheckInspector,
    ChecklistTemplate,
    CheckPlan,
    Draw,
    Evidence,
    Finding,
)
from hrapp.officers.models import Officer

DEFAULT_CHECKLISTS = {
    "officer": [
        "在岗在位，佩戴工作证",
        "着装规范，仪容整洁",
        "按规定轨迹巡查，无代打卡",
        "采集信息真实准确",
        "服务态度文明规范",
        "无吃拿卡要、违规收费",
    ],
    "window": [
        "窗口人员在岗，无脱岗空岗",
        "办事指南、收费标准公示齐全",
        "首问负责，一次性告知",
        "按时限办结，无推诿",
        "服务态度文明，无争吵",
        "无违规收费、吃拿卡要",
    ],
    "post": [
        "值守人员在岗在位",
        "案件台账登记完整",
        "案件按期核查办结",
        "核查记录真实，无虚报瞒报",
        "纪律规定上墙公示",
    ],
    "unit": [
        "廉政制度建立并公示",
        "问题整改台账完整",
        "考勤及轨迹数据真实",
        "群众投诉按时办结",
    ],
}


class Locked(DomainError):
    status_code = 409


def _require_staff(acting) -> None:
    if acting is not None and not can_see_open_checks(acting):
        raise PermissionDenied(_("Only inspectors and administrators do this."))


def _require_draft(check: Check) -> None:
    if check.status != "draft":
        raise Locked(_("This check has been submitted: its findings and evidence can no longer change."))


# --- checklists --------------------------------------------------------------------------------


def active_template(target_type: str) -> ChecklistTemplate:
    """The checklist in force for a target type (the defaults are created on first use)."""
    template = db.session.scalar(
        sa.select(ChecklistTemplate)
        .where(ChecklistTemplate.target_type == target_type, ChecklistTemplate.active.is_(True))
        .order_by(ChecklistTemplate.version.desc())
        .limit(1)
    )
    if template is None:
        template = ChecklistTemplate(target_type=target_type, version=1, items=DEFAULT_CHECKLISTS[target_type])
        db.session.add(template)
        db.session.flush()
    return template


def publish_template(target_type: str, items: list[str], acting=None) -> ChecklistTemplate:
    """A new checklist version; checks filled against the old one keep it."""
    _require_staff(acting)
    items = [item.strip() for item in items if item and item.strip()]
    if target_type not in TARGET_TYPES or not items:
        raise DomainError(_("A checklist needs a target type and at least one item."))
    current = active_template(target_type)
    current.active = False
    template = ChecklistTemplate(target_type=target_type, version=current.version + 1, items=items)
    db.session.add(template)
    db.session.flush()
    return template


# --- plans -------------------------------------------------------------------------------------


def create_plan(values: dict, acting) -> CheckPlan:
    _require_staff(acting)
    if values["mode"] not in MODES or values.get("scope_kind", "streets") not in SCOPE_KINDS:
        raise DomainError(_("Choose a mode and a scope."))
    if values["period_end"] < values["period_start"]:
        raise DomainError(_("The period ends before it starts."), field="period_end")
    plan = CheckPlan(
        name=values["name"].strip(),
        period_start=values["period_start"],
        period_end=values["period_end"],
        mode=values["mode"],
        scope_kind=values.get("scope_kind") or "streets",
        scope=(values.get("scope") or "").strip(),
        lead_unit=(values.get("lead_unit") or "").strip(),
        note=(values.get("note") or "").strip(),
        created_by_id=acting.id if acting is not None else None,
    )
    db.session.add(plan)
    db.session.flush()
    return plan


# --- checks ------------------------------------------------------------------------------------


def next_check_number(on: dt.date) -> str:
    prefix = f"JC{on.year}-"
    last = db.session.scalar(sa.select(sa.func.max(Check.number)).where(Check.number.like(f"{prefix}%")))
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _inspector_users(user_ids) -> list:
    from hrapp.auth.models import User

    ids = sorted({int(i) for i in user_ids or []})
    users = db.session.scalars(sa.select(User).where(User.id.in_(ids), User.active.is_(True))).all() if ids else []
    if len(users) != len(ids) or any(user.role not in (Role.INSPECTOR, Role.ADMIN) for user in users):
        raise DomainError(_("Inspectors must be active inspector accounts."), field="inspector_ids")
    return users


def _apply_check_values(check: Check, values: dict) -> None:
    target_type = values.get("target_type") or "officer"
    if target_type not in TARGET_TYPES:
        raise DomainError(_("Choose a target type."), field="target_type")
    method = values.get("method") or "observation"
    if method not in METHODS:
        raise DomainError(_("Choose a method."), field="method")
    result_code = values.get("result_code") or None
    if result_code is not None and result_code not in RESULT_CODES:
        raise DomainError(_("Choose a result."), field="result_code")
    started_at, ended_at = values.get("started_at"), values.get("ended_at")
    if started_at and ended_at and ended_at < started_at:
        raise DomainError(_("The check ends before it starts."), field="ended_at")
    check.target_type = target_type
    if target_type == "officer":
        officer = db.session.get(Officer, values["target_officer_id"]) if values.get("target_officer_id") else None
        if values.get("target_officer_id") and officer is None:
            raise DomainError(_("Unknown officer."), field="target_officer_id")
        check.target_officer_id = officer.id if officer else None
        check.street_id = officer.street_id if officer else values.get("street_id")
        check.target_label = ""
    else:
        check.target_officer_id = None
        check.target_label = (values.get("target_label") or "").strip()
        check.street_id = values.get("street_id") or None
    check.place = (values.get("place") or "").strip()
    check.started_at, check.ended_at = started_at, ended_at
    check.method = method
    check.notes = (values.get("notes") or "").strip()
    check.result_code = result_code
    check.outside_draw_reason = (values.get("outside_draw_reason") or "").strip()
    if check.template is None or check.template.target_type != target_type:
        check.template = active_template(target_type)
    answers = values.get("checklist") or {}
    items = check.template.items
    check.checklist = {
        str(index): answers[str(index)] for index in range(len(items)) if answers.get(str(index)) in CHECKLIST_RESULTS
    }


def _set_inspectors(check: Check, user_ids, acting) -> None:
    users = _inspector_users(user_ids)
    wanted = {user.id for user in users}
    for row in list(check.inspectors):
        if row.user_id not in wanted:
            check.inspectors.remove(row)
    present = {row.user_id for row in check.inspectors}
    for user in users:
        if user.id not in present:
            check.inspectors.append(CheckInspector(user_id=user.id))


def create_check(plan: CheckPlan, values: dict, acting) -> Check:
    """A draft check under `plan`; the acting inspector is on it and may declare at once."""
    _require_staff(acting)
    check = Check(
        plan=plan,
        number=next_check_number(today()),
        status="draft",
        created_by_id=acting.id if acting is not None else None,
    )
    db.session.add(check)
    _apply_check_values(check, values)
    inspector_ids = set(values.get("inspector_ids") or [])
    if acting is not None and has_role(acting, Role.INSPECTOR):
        inspector_ids.add(acting.id)
    _set_inspectors(check, inspector_ids, acting)
    db.session.flush()
    if values.get("declare_no_conflict") and acting is not None:
        declare_no_conflict(check, acting)
    return check


def save_draft(check: Check, values: dict, acting, expected_version: int | None = None) -> Check:
    """Store everything typed so far (the phone form's draft)."""
    _require_staff(acting)
    _require_draft(check)
    if expected_version is not None and expected_version != check.version:
        raise Conflict(_("Someone else saved this check in the meantime; reload it and enter your changes again."))
    _apply_check_values(check, values)
    if "inspector_ids" in values:
        ids = set(values["inspector_ids"] or [])
        ids.update(row.user_id for row in check.inspectors if row.no_conflict)  # a declaration stays
        _set_inspectors(check, ids, acting)
    if values.get("declare_no_conflict"):
        declare_no_conflict(check, acting)
    db.session.flush()
    return check


def declare_no_conflict(check: Check, acting) -> CheckInspector:
    """An inspector of the check declares, for themself, no conflict of interest with the target."""
    _require_draft(check)
    row = next((row for row in check.inspectors if row.user_id == acting.id), None)
    if row is None:
        raise PermissionDenied(_("Only an inspector of this check declares for it."))
    if not row.no_conflict:
        row.no_conflict = True
        row.declared_at = utcnow()
    db.session.flush()
    return row


def _default_found_on(check: Check) -> dt.date:
    if check.started_at is None:
        return today()
    from hrapp.core.i18n import DISPLAY_TZ

    return check.started_at.replace(tzinfo=dt.UTC).astimezone(DISPLAY_TZ).date()


def _responsible(officer_ids) -> list[Officer]:
    ids = sorted({int(i) for i in officer_ids or []})
    officers = db.session.scalars(sa.select(Officer).where(Officer.id.in_(ids))).all() if ids else []
    if len(officers) != len(ids):
        raise DomainError(_("Unknown officer."), field="responsible_ids")
    return list(officers)


def _finding_values(values: dict) -> tuple[str, int, decimal.Decimal]:
    code = values.get("code")
    if code not in FINDING_CODES:
        raise DomainError(_("Choose a finding code."), field="code")
    _label, default_severity, default_deduction = FINDING_CODES[code]
    severity = values.get("severity") or default_severity
    if severity not in (1, 2, 3, 4):
        raise DomainError(_("Unknown severity."), field="severity")
    deduction = values.get("deduction")
    deduction = default_deduction if deduction is None else decimal.Decimal(deduction)
    if deduction < 0 or deduction > 100:
        raise DomainError(_("Deduction points lie between 0 and 100."), field="deduction")
    return code, severity, deduction


def add_finding(check: Check, values: dict, acting) -> Finding:
    """A finding on a draft check; severity and deduction default from the code."""
    _require_staff(acting)
    _require_draft(check)
    code, severity, deduction = _finding_values(values)
    responsible = _responsible(values.get("responsible_ids"))
    if not responsible and check.target_officer_id:
        responsible = [db.session.get(Officer, check.target_officer_id)]
    finding = Finding(
        check=check,
        code=code,
        severity=severity,
        deduction=deduction,
        description=(values.get("description") or "").strip(),
        found_on=_default_found_on(check),
        responsible=responsible,
    )
    db.session.add(finding)
    db.session.flush()
    return finding


def remove_finding(check: Check, finding: Finding, acting) -> None:
    _require_staff(acting)
    _require_draft(check)
    if finding.check_id != check.id:
        raise DomainError(_("This finding belongs to another check."))
    finding.responsible = []
    db.session.delete(finding)
    db.session.flush()


def add_evidence(check: Check, stream, filename: str, acting, directory, max_bytes: int) -> Evidence:
    """Store an uploaded file on a draft check after checking its content (see evidence.py)."""
    from hrapp.integrity import evidence as files

    _require_staff(acting)
    _require_draft(check)
    try:
        stored = files.store(stream, directory, max_bytes)
    except files.RefusedFile as refusal:
        reason = str(refusal)
        if reason == "too_large":
            limit = f"{max_bytes / 1024 / 1024:g}"
            raise DomainError(_("The file is larger than %(mb)s MB.", mb=limit), field="file") from None
        if reason == "empty":
            raise DomainError(_("The file is empty."), field="file") from None
        raise DomainError(
            _("Only photos (JPEG, PNG, HEIC), audio (MP3, M4A), video (MP4), PDF and Word (DOCX) files are accepted."),
            field="file",
        ) from None
    item = Evidence(
        check=check,
        original_name=files.safe_name(filename),
        uploaded_by_id=acting.id if acting is not None else None,
        **stored,
    )
    db.session.add(item)
    db.session.flush()
    return item


def remove_evidence(check: Check, item: Evidence, acting, directory) -> None:
    _require_staff(acting)
    _require_draft(check)
    if item.check_id != check.id:
        raise DomainError(_("This file belongs to another check."))
    db.session.delete(item)
    db.session.flush()
    (directory / item.stored_name).unlink(missing_ok=True)


def _draw_covering(check: Check) -> Draw | None:
    if check.target_officer_id is None or check.started_at is None:
        return None
    on = _default_found_on(check)
    for draw in db.session.scalars(
        sa.select(Draw).where(Draw.period_start <= on, Draw.period_end >= on).order_by(Draw.id.desc())
    ):
        if any(pick["officer_id"] == check.target_officer_id for pick in draw.picks):
            return draw
    return None


def submission_problems(check: Check) -> list[str]:
    problems = []
    if len(check.inspectors) < 2:
        problems.append(_("A check needs at least two inspectors."))
    undeclared = [row.user.label for row in check.inspectors if not row.no_conflict]
    if undeclared:
        problems.append(_("No conflict of interest declared yet by: %(names)s.", names="、".join(undeclared)))
    if check.target_type == "officer" and check.target_officer_id is None:
        problems.append(_("Name the officer checked."))
    if check.target_type != "officer" and not check.target_label:
        problems.append(_("Name the window, post or unit checked."))
    if check.street_id is None:
        problems.append(_("Choose the street the check concerns."))
    if check.started_at is None or check.ended_at is None:
        problems.append(_("Enter when the check started and ended."))
    if not check.place:
        problems.append(_("Enter the place."))
    if check.result_code is None:
        problems.append(_("Choose a result."))
    elif (check.result_code == "R0") != (not check.current_findings):
        problems.append(_("Result R0 means no finding; any other result needs at least one finding."))
    drawn = check.target_officer_id is None or check.started_at is None or _draw_covering(check) is not None
    if not drawn and not check.outside_draw_reason:
        problems.append(_("This officer was not drawn for the period: record why they are checked."))
    return problems


def submit_check(check: Check, acting) -> Check:
    _require_staff(acting)
    _require_draft(check)
    problems = submission_problems(check)
    if problems:
        raise DomainError(" ".join(problems))
    draw = _draw_covering(check)
    check.draw_id = draw.id if draw else None
    check.status = "submitted"
    check.submitted_at = utcnow()
    check.submitted_by_id = acting.id if acting is not None else None
    db.session.flush()
    return check


def close_check(check: Check, acting) -> Check:
    """Closing releases the result to HR (their street) and the officer concerned."""
    _require_staff(acting)
    if check.status != "submitted":
        raise DomainError(_("Only a submitted check can be closed."))
    check.status = "closed"
    check.closed_at = utcnow()
    check.closed_by_id = acting.id if acting is not None else None
    db.session.flush()
    return check


def amend_check(check: Check, changes: dict[int, dict], reason: str, acting, source: str = "correction") -> Amendment:
    """Correct findings after submission: `changes` maps a current finding id to new values
    (code, severity, deduction, description) or {"withdraw": True}. Each changed finding is replaced
    by a new row; the amendment lists every field's before and after."""
    _require_staff(acting)
    if check.status == "draft":
        raise DomainError(_("A draft is corrected by editing it."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the correction."), field="reason")
    current = {finding.id: finding for finding in check.current_findings}
    amendment = Amendment(
        check=check, reason=reason, changes=[], source=source, created_by_id=getattr(acting, "id", None)
    )
    db.session.add(amendment)
    recorded = []
    for finding_id, new in changes.items():
        old = current.get(finding_id)
        if old is None:
            raise DomainError(_("Only findings in force can be corrected."))
        if new.get("withdraw"):
            replacement = Finding(
                check=check, code=old.code, severity=old.severity, deduction=old.deduction,
                description=old.description, found_on=old.found_on, amends_id=old.id, withdrawn=True,
                responsible=list(old.responsible), amendment=amendment,
            )  # fmt: skip
            recorded.append({"finding": old.id, "field": "withdrawn", "before": False, "after": True})
        else:
            merged = {
                "code": new.get("code") or old.code,
                "severity": new.get("severity") or old.severity,
                "deduction": old.deduction if new.get("deduction") is None else new["deduction"],
            }
            code, severity, deduction = _finding_values(merged)
            description = old.description if new.get("description") is None else new["description"].strip()
            fields = {"code": code, "severity": severity, "deduction": deduction, "description": description}
            diffs = [
                {"finding": old.id, "field": key, "before": _plain(getattr(old, key)), "after": _plain(value)}
                for key, value in fields.items()
                if getattr(old, key) != value
            ]
            if not diffs:
                continue
            recorded.extend(diffs)
            replacement = Finding(
                check=check, found_on=old.found_on, amends_id=old.id, responsible=list(old.responsible),
                amendment=amendment, **fields,
            )  # fmt: skip
        db.session.add(replacement)
    if not recorded:
        raise DomainError(_("Nothing was changed."))
    amendment.changes = recorded
    db.session.flush()
    return amendment


def _plain(value):
    return str(value) if isinstance(value, decimal.Decimal) else value
