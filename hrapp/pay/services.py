"""State changes of pay and funding. Services flush, never commit.

Rules:
- A pay scale or allowance rule set is a version: a draft may be edited or deleted; approval (by an
  administrator) puts it in force from its effective date, ends the version it supersedes on that
  date, and locks it. A new version must start after the latest approved one.
- A month is closed by an administrator, in order (the month after the last closed one): its roster
  is stored as it is computed then, adjustments included, and never changes afterwards.
- Funding standards and allocations are district data: administrators and unscoped HR clerks.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.certification.models import Tier
from hrapp.core.db import utcnow
from hrapp.core.money import CENT
from hrapp.core.permissions import Role, has_role
from hrapp.errors import DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.org.models import Street
from hrapp.pay import calc, queries
from hrapp.pay.models import (
    AllowanceRuleSet,
    FundingAllocation,
    FundingStandard,
    PayMonth,
    PayRosterLine,
    PayScale,
    PayScaleCell,
)

MAX_PERCENT = Decimal("100")


def _require_admin(acting) -> None:
    if not has_role(acting, Role.ADMIN):
        raise PermissionDenied(_("Only an administrator may do this."))


def _require_district_hr(acting) -> None:
    if not (has_role(acting, Role.ADMIN) or (has_role(acting, Role.HR_CLERK) and acting.street_id is None)):
        raise PermissionDenied(_("Only an administrator or a district HR clerk may change funding."))


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("Enter an amount in yuan."), field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000000"):
        raise DomainError(_("Enter an amount between 0 and 9,999,999,999.99 yuan."), field=field)
    if amount != amount.quantize(CENT):
        raise DomainError(_("Amounts have at most two decimal places (fen)."), field=field)
    return amount.quantize(CENT)


# --- pay scales ---------------------------------------------------------------------------------


def scale_in_force(on: dt.date) -> PayScale | None:
    return db.session.scalar(sa.select(PayScale).where(PayScale.status == "approved", PayScale.valid_on(on)))


def latest_approved_scale() -> PayScale | None:
    return db.session.scalar(
        sa.select(PayScale).where(PayScale.status == "approved").order_by(PayScale.effective_from.desc()).limit(1)
    )


def _next_version(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.version))) or 0) + 1


def _check_start(model, effective_from: dt.date, exclude_id: int | None = None) -> None:
    latest = db.session.scalar(
        sa.select(sa.func.max(model.effective_from)).where(model.status == "approved", model.id != (exclude_id or 0))
    )
    if latest is not None and effective_from <= latest:
        raise DomainError(
            _("A new version must take effect after the latest approved one (%(date)s).", date=latest.isoformat()),
            field="effective_from",
        )


def start_scale_draft(
    *,
    effective_from: dt.date,
    acting,
    name: str = "",
    document_no: str = "",
    percent: Decimal | None = None,
    based_on: PayScale | None = None,
) -> PayScale:
    """A draft copied from `based_on` (default: the latest approved version), every cell raised by
    `percent` and rounded half up to the fen; with nothing to copy, the draft starts empty."""
    _require_admin(acting)
    _check_start(PayScale, effective_from)
    if percent is not None and not (-MAX_PERCENT < percent <= MAX_PERCENT * 10):
        raise DomainError(_("Enter a percentage above -100."), field="percent")
    source = based_on or latest_approved_scale()
    draft = PayScale(
        version=_next_version(PayScale),
        name=name or _("Pay scale %(date)s", date=effective_from.isoformat()),
        document_no=document_no,
        status="draft",
        effective_from=effective_from,
        based_on_id=source.id if source else None,
        created_by_id=acting.id,
    )
    db.session.add(draft)
    db.session.flush()
    if source is not None:
        factor = Decimal(1) + (percent or Decimal(0)) / 100
        db.session.add_all(
            PayScaleCell(
                scale_id=draft.id,
                tier_id=cell.tier_id,
                step=cell.step,
                monthly_base=(cell.monthly_base * factor).quantize(CENT, rounding=ROUND_HALF_UP),
            )
            for cell in source.cells
        )
        db.session.flush()
    return draft


def update_scale_draft(scale: PayScale, *, values: dict, cells: dict[tuple[int, int], object], acting) -> PayScale:
    """Edit a draft: its header and its grid (tier id, step) → amount; an empty amount removes the cell."""
    _require_admin(acting)
    if scale.locked:
        raise DomainError(_("An approved pay scale is locked; start a new version instead."))
    if "effective_from" in values:
        _check_start(PayScale, values["effective_from"], exclude_id=scale.id)
    for key in ("name", "document_no", "effective_from", "note"):
        if key in values:
            setattr(scale, key, values[key])
    tiers = {tier.id: tier for tier in db.session.scalars(sa.select(Tier))}
    existing = {(cell.tier_id, cell.step): cell for cell in scale.cells}
    for (tier_id, step), raw in cells.items():
        tier = tiers.get(tier_id)
        if tier is None or not 1 <= step <= tier.max_step:
            raise DomainError(_("Unknown tier or step in the grid."))
        cell = existing.get((tier_id, step))
        if raw in (None, ""):
            if cell is not None:
                scale.cells.remove(cell)
            continue
        amount = _money(raw, f"cell-{tier_id}-{step}")
        if cell is None:
            scale.cells.append(PayScaleCell(tier_id=tier_id, step=step, monthly_base=amount))
        elif cell.monthly_base != amount:
            cell.monthly_base = amount
    db.session.flush()
    return scale


def approve_scale(scale: PayScale, *, acting, document_no: str | None = None) -> PayScale:
    """Put a draft in force: the version it supersedes ends on its effective date; both are locked."""
    _require_admin(acting)
    if scale.locked:
        raise DomainError(_("This pay scale is already approved."))
    if document_no is not None:
        scale.document_no = document_no.strip()
    if not scale.document_no:
        raise DomainError(_("An approved pay scale needs its approval document number."), field="document_no")
    if not scale.cells:
        raise DomainError(_("A pay scale without amounts cannot be approved."))
    _check_start(PayScale, scale.effective_from, exclude_id=scale.id)
    _supersede(PayScale, scale.effective_from)
    scale.status = "approved"
    scale.approved_by_id = acting.id
    scale.approved_at = utcnow()
    db.session.flush()
    return scale


def _supersede(model, effective_from: dt.date) -> None:
    for previous in db.session.scalars(
        sa.select(model).where(model.status == "approved", model.overlapping(effective_from, None))
    ):
        previous.effective_to = effective_from


def delete_draft(version, *, acting) -> None:
    _require_admin(acting)
    if version.locked:
        raise DomainError(_("An approved version cannot be deleted."))
    db.session.delete(version)
    db.session.flush()


# --- allowance rules ----------------------------------------------------------------------------

RULE_FIELDS = (
    "seniority_per_year",
    "certificate_amount",
    "difficulty_residential",
    "difficulty_commercial",
    "difficulty_urban_village",
    "difficulty_special",
    "performance_pool_share",
)
COEFFICIENT_FIELDS = (
    "coefficient_excellent",
    "coefficient_qualified",
    "coefficient_basic",
    "coefficient_unqualified",
    "coefficient_none",
)
COUNT_FIELDS = ("seniority_max_years", "certificate_max_count")


def rules_in_force(on: dt.date) -> AllowanceRuleSet | None:
    return db.session.scalar(
        sa.select(AllowanceRuleSet).where(AllowanceRuleSet.status == "approved", AllowanceRuleSet.valid_on(on))
    )


def start_rule_draft(*, effective_from: dt.date, acting, document_no: str = "") -> AllowanceRuleSet:
    """A draft copied from the latest approved version (or the defaults of DOMAIN.md)."""
    _require_admin(acting)
    _check_start(AllowanceRuleSet, effective_from)
    source = db.session.scalar(
        sa.select(AllowanceRuleSet)
        .where(AllowanceRuleSet.status == "approved")
        .order_by(AllowanceRuleSet.effective_from.desc())
        .limit(1)
    )
    draft = AllowanceRuleSet(
        version=_next_version(AllowanceRuleSet),
        status="draft",
        effective_from=effective_from,
        document_no=document_no,
        created_by_id=acting.id,
    )
    if source is not None:
        for key in RULE_FIELDS + COEFFICIENT_FIELDS + COUNT_FIELDS:
            setattr(draft, key, getattr(source, key))
    db.session.add(draft)
    db.session.flush()
    return draft


def update_rule_draft(rules: AllowanceRuleSet, values: dict, *, acting) -> AllowanceRuleSet:
    _require_admin(acting)
    if rules.locked:
        raise DomainError(_("Approved allowance rules are locked; start a new version instead."))
    if "effective_from" in values:
        _check_start(AllowanceRuleSet, values["effective_from"], exclude_id=rules.id)
        rules.effective_from = values["effective_from"]
    for key in RULE_FIELDS:
        if key in values:
            setattr(rules, key, _money(values[key], key))
    for key in COEFFICIENT_FIELDS:
        if key in values:
            coefficient = Decimal(str(values[key]))
            if not Decimal(0) <= coefficient <= Decimal("9.99") or coefficient != coefficient.quantize(CENT):
                raise DomainError(_("A coefficient lies between 0 and 9.99, with two decimals."), field=key)
            setattr(rules, key, coefficient)
    for key in COUNT_FIELDS:
        if key in values:
            if not 0 <= int(values[key]) <= 60:
                raise DomainError(_("Enter a number between 0 and 60."), field=key)
            setattr(rules, key, int(values[key]))
    for key in ("document_no", "note"):
        if key in values:
            setattr(rules, key, values[key])
    db.session.flush()
    return rules


def approve_rules(rules: AllowanceRuleSet, *, acting) -> AllowanceRuleSet:
    _require_admin(acting)
    if rules.locked:
        raise DomainError(_("These allowance rules are already approved."))
    if not rules.document_no:
        raise DomainError(_("Approved allowance rules need their approval document number."), field="document_no")
    _check_start(AllowanceRuleSet, rules.effective_from, exclude_id=rules.id)
    _supersede(AllowanceRuleSet, rules.effective_from)
    rules.status = "approved"
    rules.approved_by_id = acting.id
    rules.approved_at = utcnow()
    db.session.flush()
    return rules


# --- monthly close --------------------------------------------------------------------------------


def last_closed_month() -> dt.date | None:
    return db.session.scalar(sa.select(sa.func.max(PayMonth.month)))


def close_month(month: dt.date, *, acting, on: dt.date, with_adjustments: bool = True) -> PayMonth:
    """Freeze `month`'s roster (district-wide). Months close in order and only once they began.
    `with_adjustments=False` skips recomputing the earlier closed months, for a caller that knows
    nothing changed since they closed (the demo seed closing months in a row)."""
    _require_admin(acting)
    month = calc.month_start(month)
    if not calc.FIRST_PAY_YEAR <= month.year <= calc.LAST_PAY_YEAR:
        raise DomainError(
            _("Choose a month between %(first)d and %(last)d.", first=calc.FIRST_PAY_YEAR, last=calc.LAST_PAY_YEAR)
        )
    if month > calc.month_start(on):
        raise DomainError(_("A month that has not begun cannot be closed."))
    last = last_closed_month()
    if last is not None and month <= last:
        raise DomainError(_("This month is already closed."))
    if last is not None and month != calc.next_month(last):
        raise DomainError(
            _("Close %(month)s first: months close in order.", month=calc.next_month(last).strftime("%Y-%m"))
        )
    lines = queries.computed_roster(month, sa.true(), with_adjustments=with_adjustments)
    closed = PayMonth(
        month=month,
        closed_by_id=acting.id,
        closed_at=utcnow(),
        line_count=len(lines),
        total=sum((line.total for line in lines), Decimal("0.00")),
    )
    db.session.add(closed)
    db.session.flush()
    rows = [
        {
            "pay_month_id": closed.id,
            "month": month,
            "officer_id": line.officer_id,
            "street_id": line.street_id,
            "days": line.days,
            **{name: getattr(line, name) for name in (*calc.COMPONENTS, "adjustment", "total")},
        }
        for line in lines
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(PayRosterLine), rows[start : start + 5000])
    db.session.flush()
    return closed


# --- funding --------------------------------------------------------------------------------------


def save_standard(year: int, amount, *, acting, document_no: str = "", note: str = "") -> FundingStandard:
    _require_district_hr(acting)
    if not calc.FIRST_PAY_YEAR <= year <= calc.LAST_PAY_YEAR:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    value = _money(amount, "amount_per_officer")
    if value <= 0:
        raise DomainError(_("The standard must be above zero."), field="amount_per_officer")
    standard = db.session.scalar(sa.select(FundingStandard).where(FundingStandard.year == year))
    if standard is None:
        standard = FundingStandard(year=year, amount_per_officer=value)
        db.session.add(standard)
    standard.amount_per_officer = value
    standard.document_no = document_no
    standard.note = note
    db.session.flush()
    return standard


def save_allocations(year: int, headcounts: dict[int, int], *, acting) -> int:
    """Budgeted headcount per street for `year`; returns how many rows changed."""
    _require_district_hr(acting)
    streets = set(db.session.scalars(sa.select(Street.id)))
    existing = {
        row.street_id: row
        for row in db.session.scalars(sa.select(FundingAllocation).where(FundingAllocation.year == year))
    }
    changed = 0
    for street_id, headcount in headcounts.items():
        if street_id not in streets:
            raise DomainError(_("Unknown street."))
        if headcount is None:
            continue
        if not 0 <= headcount <= 100_000:
            raise DomainError(_("Enter a headcount between 0 and 100,000."), field=f"street-{street_id}")
        row = existing.get(street_id)
        if row is None:
            db.session.add(FundingAllocation(street_id=street_id, year=year, budgeted_headcount=headcount))
            changed += 1
        elif row.budgeted_headcount != headcount:
            row.budgeted_headcount = headcount
            changed += 1
    db.session.flush()
    return changed
