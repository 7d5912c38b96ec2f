"""Tiers, promotion rule versions, tier records (effective-dated, succession), probation step 1
for a new officer, annual results and the default ladder. Services flush, never commit."""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.certification.models import GRADES, AnnualResult, PromotionRuleSet, Tier, TierRecord
from hrapp.core.db import today
from hrapp.core.permissions import Role, can_edit_officer, has_role
from hrapp.errors import Conflict, DomainError, PermissionDenied
from hrapp.extensions import db
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
