"""Certification rules (state changes). Services flush, never commit.

- Tier records: effective-dated, no two records of an officer overlap; a new record that starts
  after the open one closes it (succession), any other overlap is refused.
- Promotion rule sets: versioned; a change is a new version starting after the current one, which
  it closes. Only administrators change rules and tiers.
- Cases: an HR clerk proposes a promotion or demotion within their scope with a frozen eligibility
  snapshot; only an administrator approves or rejects; approval writes the tier record; a decided
  case is locked and is reversed only by a new linked case.
- Annual steps: +1 step (up to the tier's maximum) for each officer whose grade of the year is
  合格 or better; a year is granted once per officer, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from hrapp.certification import course_tiers, rules  # noqa: F401 (course_tiers registers the course ↔ tier link with training)
from hrapp.certification.models import (
    GRADES,
    TIER_LABELS,
    AnnualResult,
    AnnualStepRun,
    PromotionCase,
    PromotionRuleSet,
    Tier,
    TierRecord,
)
from hrapp.core.db import today, utcnow
from hrapp.core.i18n import N_, label_msgid
from hrapp.core.permissions import Role, can_edit_officer, has_role
from hrapp.errors import Conflict, DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.notifications.services import notify, officer_accounts
from hrapp.officers import hooks as officer_hooks
from hrapp.officers.models import Officer
from hrapp.training.models import COURSE_CATEGORIES

QUALIFIED = 3  # 合格

# --- defaults ----------------------------------------------------------------------------------

DEFAULT_TIERS = [
    # ordinal, code, skill level (五级 = 5), max step
    (0, "probation", None, 1),
    (1, "junior", 5, 8),
    (2, "intermediate", 4, 8),
    (3, "senior", 3, 8),
]
DEFAULT_RULES_FROM = dt.date(2016, 1, 1)
# DOMAIN.md's default promotion rules, per target tier code.
DEFAULT_RULES = {
    "junior": {
        "min_months_in_tier": 3,
        "training_hours": decimal.Decimal(40),
        "training_window_months": 12,
        "course_category": "induction",
        "exam_required": True,
        "exam_min_score": 60,
        "exam_window_months": 12,
        "note": "见习期满3个月：岗前培训≥40学时且入职考试≥60分",
    },
    "intermediate": {
        "min_years_in_tier": 4,
        "min_service_years": 6,
        "tenure_either": True,
        "training_hours": decimal.Decimal(40),
        "training_window_months": 12,
        "grade_min": 3,
        "grade_years": 2,
        "grade_min_count": 2,
        "integrity_severity": 2,
        "integrity_months": 24,
        "note": "初级满4年（或工龄满6年），近2年考核合格以上，24个月内无一般及以上廉政问题，培训学时达标",
    },
    "senior": {
        "min_years_in_tier": 5,
        "training_hours": decimal.Decimal(40),
        "training_window_months": 12,
        "grade_min": 4,
        "grade_years": 3,
        "grade_min_count": 1,
        "integrity_severity": 1,
        "integrity_months": 60,
        "note": "中级满5年，近3年至少1次优秀，培训学时达标，廉政记录清白",
    },
}
RULE_FIELDS = (
    "min_service_years",
    "min_years_in_tier",
    "min_months_in_tier",
    "tenure_either",
    "training_hours",
    "training_window_months",
    "course_category",
    "exam_required",
    "exam_min_score",
    "exam_window_months",
    "grade_min",
    "grade_years",
    "grade_min_count",
    "integrity_severity",
    "integrity_months",
    "note",
)


def ensure_defaults(effective_from: dt.date = DEFAULT_RULES_FROM) -> dict[str, int]:
    """Create the default tiers and a first rule-set version per target tier where none exist,
    so a fresh database can be initialised. Existing data is left alone."""
    created = {"tiers": 0, "rule_sets": 0}
    tiers = {tier.code: tier for tier in db.session.scalars(sa.select(Tier))}
    for ordinal, code, skill_level, max_step in DEFAULT_TIERS:
        if code not in tiers:
            tiers[code] = Tier(ordinal=ordinal, code=code, skill_level=skill_level, max_step=max_step)
            tiers[code].annual_training_hours = decimal.Decimal(40)
            db.session.add(tiers[code])
            created["tiers"] += 1
    db.session.flush()
    for code, values in DEFAULT_RULES.items():
        tier = tiers[code]
        exists = db.session.scalar(sa.select(PromotionRuleSet.id).where(PromotionRuleSet.target_tier_id == tier.id))
        if exists is None:
            db.session.add(PromotionRuleSet(target_tier_id=tier.id, version=1, effective_from=effective_from, **values))
            created["rule_sets"] += 1
    db.session.flush()
    return created


def tier_by_code(code: str) -> Tier | None:
    return db.session.scalar(sa.select(Tier).where(Tier.code == code))


def _require_admin(acting, message: str | None = None) -> None:
    if not has_role(acting, Role.ADMIN):
        raise PermissionDenied(message or _("Only an administrator may do this."))


def _require_editor(acting, officer: Officer) -> None:
    if not can_edit_officer(acting, officer):
        raise PermissionDenied(_("You may not edit this officer."))


# --- tiers and rule sets -----------------------------------------------------------------------


def update_tier(tier: Tier, *, annual_training_hours, max_step: int, acting) -> Tier:
    _require_admin(acting)
    if annual_training_hours is None or decimal.Decimal(annual_training_hours) < 0:
        raise DomainError(_("Training hours cannot be negative."), field="annual_training_hours")
    if not 1 <= max_step <= 8:
        raise DomainError(_("Steps run from 1 to 8."), field="max_step")
    highest = db.session.scalar(
        sa.select(sa.func.max(TierRecord.step)).where(TierRecord.tier_id == tier.id, TierRecord.effective_to.is_(None))
    )
    if highest and highest > max_step:
        raise DomainError(_("Officers currently hold step %(step)d of this tier.", step=highest), field="max_step")
    tier.annual_training_hours = decimal.Decimal(annual_training_hours)
    tier.max_step = max_step
    db.session.flush()
    return tier


def rule_errors(values: dict) -> list[tuple[str, str]]:
    errors = []
    for field in (
        "min_service_years",
        "min_years_in_tier",
        "min_months_in_tier",
        "training_window_months",
        "exam_window_months",
        "grade_years",
        "grade_min_count",
        "integrity_months",
    ):
        value = values.get(field)
        if value is not None and value < 0:
            errors.append((field, _("Cannot be negative.")))
    for field in ("training_window_months", "exam_window_months"):
        if values.get(field) is not None and values[field] < 1:
            errors.append((field, _("A window is at least one month.")))
    if values.get("training_hours") is not None and values["training_hours"] < 0:
        errors.append(("training_hours", _("Cannot be negative.")))
    if values.get("exam_required") and values.get("exam_min_score") is None:
        errors.append(("exam_min_score", _("Give the minimum exam score.")))
    if values.get("exam_min_score") is not None and not 0 <= values["exam_min_score"] <= 100:
        errors.append(("exam_min_score", _("A score is between 0 and 100.")))
    if values.get("grade_min") is not None and values["grade_min"] not in GRADES:
        errors.append(("grade_min", _("Unknown grade.")))
    if values.get("grade_min") and not values.get("grade_years"):
        errors.append(("grade_years", _("Give the number of years the grade rule looks back.")))
    if (
        values.get("grade_min_count")
        and values.get("grade_years")
        and values["grade_min_count"] > values["grade_years"]
    ):
        errors.append(("grade_min_count", _("Cannot exceed the number of years.")))
    if values.get("integrity_severity") is not None and values["integrity_severity"] not in (1, 2, 3, 4):
        errors.append(("integrity_severity", _("Unknown severity.")))
    if values.get("course_category") and values["course_category"] not in COURSE_CATEGORIES:
        errors.append(("course_category", _("Unknown course category.")))
    return errors


def new_rule_version(tier: Tier, values: dict, *, effective_from: dt.date, acting) -> PromotionRuleSet:
    """A new version of the rules for reaching `tier`, from `effective_from`; the version in force
    before ends that day. Versions are never edited."""
    _require_admin(acting, _("Only an administrator may change promotion rules."))
    if tier.ordinal == 0:
        raise DomainError(_("Nobody is promoted to probation."))
    errors = rule_errors(values)
    if errors:
        raise DomainError(errors[0][1], field=errors[0][0])
    versions = db.session.scalars(
        sa.select(PromotionRuleSet)
        .where(PromotionRuleSet.target_tier_id == tier.id, PromotionRuleSet.overlapping(effective_from, None))
        .with_for_update(of=PromotionRuleSet)
    ).all()
    for version in versions:
        if version.effective_from >= effective_from or version.effective_to is not None:
            raise Conflict(
                _(
                    "Version %(version)d starts on %(date)s; a new version must start after it.",
                    version=version.version,
                    date=version.effective_from.isoformat(),
                ),
                field="effective_from",
            )
        version.effective_to = effective_from
    number = (
        db.session.scalar(
            sa.select(sa.func.max(PromotionRuleSet.version)).where(PromotionRuleSet.target_tier_id == tier.id)
        )
        or 0
    ) + 1
    rule = PromotionRuleSet(
        target_tier_id=tier.id,
        version=number,
        effective_from=effective_from,
        created_by_id=getattr(acting, "id", None),
        **{field: values.get(field) for field in RULE_FIELDS if field != "note"},
        note=values.get("note") or "",
    )
    rule.tenure_either = bool(values.get("tenure_either"))
    rule.exam_required = bool(values.get("exam_required"))
    rule.training_window_months = values.get("training_window_months") or 12
    rule.exam_window_months = values.get("exam_window_months") or 12
    db.session.add(rule)
    db.session.flush()
    return rule


# --- tier records ------------------------------------------------------------------------------


def tier_on(officer_id: int, on: dt.date) -> TierRecord | None:
    """The officer's tier record in force on `on`."""
    return db.session.scalar(
        sa.select(TierRecord).where(TierRecord.officer_id == officer_id, TierRecord.valid_on(on)).limit(1)
    )


def add_tier_record(
    officer: Officer,
    tier: Tier,
    *,
    step: int,
    start: dt.date,
    reason: str,
    acting,
    end: dt.date | None = None,
    note: str = "",
    step_year: int | None = None,
    check_permission: bool = True,
) -> TierRecord:
    """Record `officer` at `tier`/`step` over [start, end). The open record that started earlier
    ends on `start`; any other overlap is refused."""
    if check_permission:
        _require_editor(acting, officer)
    if reason not in ("hire", "annual_step", "promotion", "demotion", "correction"):
        raise DomainError(_("Unknown reason."), field="reason")
    if not 1 <= step <= tier.max_step:
        raise DomainError(_("%(tier)s has steps 1 to %(max)d.", tier=tier.label, max=tier.max_step), field="step")
    if start < officer.hire_date:
        raise DomainError(_("A tier record cannot start before the hire date."), field="start")
    if end is not None and end <= start:
        raise DomainError(_("A tier record must end after it starts."), field="end")
    overlapping = db.session.scalars(
        sa.select(TierRecord)
        .where(TierRecord.officer_id == officer.id, TierRecord.overlapping(start, end))
        .order_by(TierRecord.effective_from)
    ).all()
    for record in overlapping:
        succeeds = record.effective_to is None and end is None and record.effective_from < start
        if not succeeds:
            raise Conflict(
                _(
                    "Overlaps the record %(tier)s step %(step)d from %(start)s to %(end)s; tier records "
                    "of an officer may not overlap.",
                    tier=record.tier.label,
                    step=record.step,
                    start=record.effective_from.isoformat(),
                    end=record.effective_to.isoformat() if record.effective_to else _("open"),
                ),
                field="start",
            )
        record.effective_to = start
    db.session.flush()
    record = TierRecord(
        officer_id=officer.id,
        tier_id=tier.id,
        step=step,
        reason=reason,
        effective_from=start,
        effective_to=end,
        note=note or "",
        step_year=step_year,
    )
    db.session.add(record)
    db.session.flush()
    return record


def start_probation(officer: Officer, acting) -> TierRecord | None:
    """Every new hire starts at probation (见习) step 1 on the hire date, so promotion sees them
    from day one. Registered with the officers domain, which calls it from `create_officer` (form
    and import alike). Without a probation tier (defaults not initialised) nothing is recorded."""
    probation = db.session.scalar(sa.select(Tier).where(Tier.ordinal == 0))
    if probation is None:
        return None
    return add_tier_record(
        officer, probation, step=1, start=officer.hire_date, reason="hire", acting=acting, check_permission=False
    )


officer_hooks.register_officer_created(start_probation)


# --- annual results ----------------------------------------------------------------------------


def record_annual_result(officer: Officer, *, year: int, grade: int, note: str = "", acting) -> AnnualResult:
    """Enter (or correct) an officer's grade for a year."""
    _require_editor(acting, officer)
    if grade not in GRADES:
        raise DomainError(_("Unknown grade."), field="grade")
    if year < officer.hire_date.year or year > today().year:
        raise DomainError(_("The year must fall between the hire year and this year."), field="year")
    result = db.session.scalar(
        sa.select(AnnualResult).where(AnnualResult.officer_id == officer.id, AnnualResult.year == year)
    )
    if result is None:
        result = AnnualResult(officer_id=officer.id, year=year)
        db.session.add(result)
    result.grade = grade
    result.note = note or ""
    db.session.flush()
    return result


# --- promotion cases ---------------------------------------------------------------------------


def _open_case_exists(officer_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(PromotionCase.id).where(
                PromotionCase.officer_id == officer_id, PromotionCase.status == "submitted"
            )
        )
        is not None
    )


def _refuse_before_approved_change(officer_id: int, effective_on: dt.date) -> None:
    """An approved change already wrote the tier record from its (later) date: a new case must
    start after it, since it builds on the tier that change leaves the officer in."""
    pending = db.session.scalar(
        sa.select(PromotionCase)
        .where(
            PromotionCase.officer_id == officer_id,
            PromotionCase.status == "approved",
            PromotionCase.effective_on > effective_on,
        )
        .order_by(PromotionCase.effective_on.desc())
        .limit(1)
    )
    if pending is not None:
        raise Conflict(
            _(
                "An approved change to %(tier)s takes effect on %(date)s; a new case can only take effect after it.",
                tier=pending.to_tier.label,
                date=pending.effective_on.isoformat(),
            ),
            field="effective_on",
        )


def propose_case(
    officer: Officer,
    *,
    kind: str,
    to_tier: Tier,
    effective_on: dt.date,
    reason: str,
    acting,
    to_step: int = 1,
) -> PromotionCase:
    """A promotion (to the next tier) or demotion (to a lower tier), with the eligibility on the
    effective date frozen into the case. A promotion the rules do not support needs a reason."""
    if not has_role(acting, Role.ADMIN, Role.HR_CLERK):
        raise PermissionDenied(_("Only HR staff propose tier changes."))
    _require_editor(acting, officer)
    if kind not in ("promotion", "demotion"):
        raise DomainError(_("Unknown case type."), field="kind")
    if _open_case_exists(officer.id):
        raise Conflict(_("This officer already has a case awaiting a decision."))
    _refuse_before_approved_change(officer.id, effective_on)
    current = tier_on(officer.id, effective_on)
    if current is None:
        raise DomainError(
            _("The officer holds no tier on %(date)s.", date=effective_on.isoformat()), field="effective_on"
        )
    if kind == "promotion" and to_tier.ordinal != current.tier.ordinal + 1:
        raise DomainError(_("A promotion goes to the next tier, one at a time."), field="to_tier_id")
    if kind == "demotion" and to_tier.ordinal >= current.tier.ordinal:
        raise DomainError(_("A demotion goes to a lower tier."), field="to_tier_id")
    if not 1 <= to_step <= to_tier.max_step:
        raise DomainError(
            _("%(tier)s has steps 1 to %(max)d.", tier=to_tier.label, max=to_tier.max_step), field="to_step"
        )
    eligibility = rules.eligibility_of(officer.id, effective_on)
    snapshot = eligibility.snapshot() if eligibility else {}
    if kind == "promotion" and not snapshot.get("eligible") and not (reason or "").strip():
        raise DomainError(
            _("The officer does not meet every criterion on that date; give a reason for the exception."),
            field="reason",
        )
    if kind == "demotion" and not (reason or "").strip():
        raise DomainError(_("Give the reason for the demotion."), field="reason")
    case = PromotionCase(
        officer_id=officer.id,
        kind=kind,
        status="submitted",
        from_tier_id=current.tier_id,
        from_step=current.step,
        to_tier_id=to_tier.id,
        to_step=to_step,
        effective_on=effective_on,
        reason=(reason or "").strip(),
        snapshot=snapshot,
        proposed_by_id=getattr(acting, "id", None),
        proposed_at=utcnow(),
    )
    db.session.add(case)
    db.session.flush()
    return case


def update_case(case: PromotionCase, *, effective_on: dt.date, reason: str, acting) -> PromotionCase:
    """A submitted case may be corrected by HR; a decided case is locked."""
    if case.locked:
        raise Conflict(_("This case has been decided and is locked; propose a new case instead."))
    _require_editor(acting, case.officer)
    case.effective_on = effective_on
    case.reason = (reason or "").strip()
    db.session.flush()
    return case


def propose_reversal(original: PromotionCase, *, effective_on: dt.date, reason: str, acting) -> PromotionCase:
    """Undo an approved case with a new linked case back to the tier and step it left."""
    if not has_role(acting, Role.ADMIN, Role.HR_CLERK):
        raise PermissionDenied(_("Only HR staff propose tier changes."))
    _require_editor(acting, original.officer)
    if original.status != "approved":
        raise DomainError(_("Only an approved case can be reversed."))
    if original.from_tier_id is None:
        raise DomainError(_("This case has no earlier tier to return to."))
    already = db.session.scalar(
        sa.select(PromotionCase.id).where(
            PromotionCase.reverses_id == original.id, PromotionCase.status.in_(("submitted", "approved"))
        )
    )
    if already is not None:
        raise Conflict(_("This case is already reversed or a reversal awaits a decision."))
    if effective_on < original.effective_on:
        raise DomainError(_("A reversal cannot take effect before the case it reverses."), field="effective_on")
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for the reversal."), field="reason")
    if _open_case_exists(original.officer_id):
        raise Conflict(_("This officer already has a case awaiting a decision."))
    current = tier_on(original.officer_id, effective_on)
    case = PromotionCase(
        officer_id=original.officer_id,
        kind="reversal",
        status="submitted",
        from_tier_id=current.tier_id if current else original.to_tier_id,
        from_step=current.step if current else original.to_step,
        to_tier_id=original.from_tier_id,
        to_step=original.from_step or 1,
        effective_on=effective_on,
        reason=reason.strip(),
        snapshot={"reverses": original.id, "original": {"effective_on": original.effective_on.isoformat()}},
        proposed_by_id=getattr(acting, "id", None),
        proposed_at=utcnow(),
        reverses_id=original.id,
    )
    db.session.add(case)
    db.session.flush()
    return case


def decide_case(case: PromotionCase, *, approve: bool, comment: str, acting) -> PromotionCase:
    """Only an administrator decides. Approval writes the tier record from the effective date,
    closing the one in force; the officer's tier must still be the one the case started from."""
    _require_admin(acting, _("Only an administrator approves or rejects tier changes."))
    if case.locked:
        raise Conflict(_("This case has already been decided and is locked."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise DomainError(_("Say why the case is rejected."), field="comment")
    if approve:
        current = tier_on(case.officer_id, case.effective_on)
        if current is None or current.tier_id != case.from_tier_id:
            raise Conflict(_("The officer's tier changed since the case was proposed; reject it and propose again."))
        reason = {"promotion": "promotion", "demotion": "demotion", "reversal": "correction"}[case.kind]
        to_tier = db.session.get(Tier, case.to_tier_id)
        record = add_tier_record(
            case.officer,
            to_tier,
            step=case.to_step,
            start=case.effective_on,
            reason=reason,
            acting=acting,
            note=_("Case %(id)d", id=case.id),
        )
        case.tier_record_id = record.id
    case.status = "approved" if approve else "rejected"
    case.decided_by_id = getattr(acting, "id", None)
    case.decided_at = utcnow()
    case.decision_comment = comment
    db.session.flush()
    _tell_decision(case)
    return case


def _tell_decision(case: PromotionCase) -> None:
    """The officer and the clerk who proposed the case hear of the decision."""
    to_tier = db.session.get(Tier, case.to_tier_id)
    params = {
        "name": case.officer.name,
        "label": label_msgid(TIER_LABELS.get(to_tier.code, to_tier.code)),
        "date": case.effective_on.isoformat(),
    }
    if case.status == "approved":
        message = N_("The tier change of %(name)s to %(label)s from %(date)s was approved.")
    else:
        message = N_("The tier change of %(name)s to %(label)s was rejected.")
    key = f"case-decided:{case.id}"
    if case.proposed_by_id is not None:
        notify(
            [case.proposed_by_id],
            kind="promotion",
            message=message,
            params=params,
            link=f"/certification/cases/{case.id}",
            key=key,
        )
    notify(
        officer_accounts([case.officer_id])[case.officer_id],
        kind="promotion",
        message=message,
        params=params,
        link="/me",
        key=key,
    )


# --- annual step increments --------------------------------------------------------------------


def annual_step_candidates(grade_year: int, effective_on: dt.date | None = None):
    """Statement of (TierRecord, Officer) that the yearly run for `grade_year` would step up."""
    effective_on = effective_on or dt.date(grade_year + 1, 1, 1)
    stepped = aliased(TierRecord)
    already = sa.select(stepped.id).where(stepped.officer_id == Officer.id, stepped.step_year == grade_year)
    return (
        sa.select(TierRecord, Officer)
        .join(Officer, Officer.id == TierRecord.officer_id)
        .join(Tier, Tier.id == TierRecord.tier_id)
        .join(AnnualResult, sa.and_(AnnualResult.officer_id == Officer.id, AnnualResult.year == grade_year))
        .where(
            TierRecord.effective_to.is_(None),
            TierRecord.effective_from < effective_on,
            TierRecord.step < Tier.max_step,
            AnnualResult.grade >= QUALIFIED,
            Officer.status != "left",
            ~already.exists(),
        )
        .order_by(Officer.employee_no)
    )


def grant_annual_steps(grade_year: int, *, acting, effective_on: dt.date | None = None) -> AnnualStepRun | None:
    """+1 step from `effective_on` (1 January after the grade year) for every officer whose grade
    for `grade_year` is 合格 or better. Officers already stepped for that year are skipped, so a
    second run changes nothing; returns the run, or None when nobody was due."""
    if acting is not None and getattr(acting, "is_authenticated", False):
        _require_admin(acting)
    effective_on = effective_on or dt.date(grade_year + 1, 1, 1)
    granted = 0
    batch = 500
    while True:
        rows = db.session.execute(annual_step_candidates(grade_year, effective_on).limit(batch)).all()
        if not rows:
            break
        for record, _officer in rows:
            # One flush per batch: the unit of work issues the UPDATEs before the INSERTs, so the
            # "one open record per officer" index holds.
            record.effective_to = effective_on
            db.session.add(
                TierRecord(
                    officer_id=record.officer_id,
                    tier_id=record.tier_id,
                    step=record.step + 1,
                    reason="annual_step",
                    step_year=grade_year,
                    effective_from=effective_on,
                    note="",
                )
            )
            granted += 1
        db.session.flush()
    if not granted:
        return None
    run = AnnualStepRun(
        grade_year=grade_year, effective_on=effective_on, granted=granted, run_by_id=getattr(acting, "id", None)
    )
    db.session.add(run)
    db.session.flush()
    return run
