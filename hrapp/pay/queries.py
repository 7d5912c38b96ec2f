"""Read side of pay and funding: rosters (closed or computed), adjustments, an officer's pay on a
date, funding against actual cost, growth and the what-if of a draft scale. Every figure is Decimal."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from hrapp.certification.models import GRADES, Tier
from hrapp.core.db import fen
from hrapp.core.permissions import Role, has_role, officer_scope, street_scope
from hrapp.extensions import db
from hrapp.officers.models import Officer
from hrapp.org.models import GRID_TYPES, Street
from hrapp.pay import calc
from hrapp.pay.models import (
    AllowanceRuleSet,
    FundingAllocation,
    FundingStandard,
    PayMonth,
    PayRosterLine,
    PayScale,
    PayScaleCell,
)

ZERO = Decimal("0.00")


@dataclasses.dataclass
class RosterLine:
    officer_id: int
    street_id: int
    days: int
    base: Decimal = ZERO
    seniority: Decimal = ZERO
    certificate: Decimal = ZERO
    difficulty: Decimal = ZERO
    performance: Decimal = ZERO
    adjustment: Decimal = ZERO
    name: str = ""
    employee_no: str = ""

    @property
    def total(self) -> Decimal:
        return self.base + self.seniority + self.certificate + self.difficulty + self.performance + self.adjustment


def staff_filter(user, street_id: int | None = None):
    """Which officers' pay `user` sees: their scope, narrowed to one street if asked."""
    condition = officer_scope(user, Officer)
    if street_id:
        condition = sa.and_(condition, Officer.street_id == street_id)
    return condition


def _lines(statement) -> dict[int, RosterLine]:
    lines = {}
    for row in db.session.execute(statement):
        lines[row.officer_id] = RosterLine(
            officer_id=row.officer_id,
            street_id=row.street_id,
            days=int(row.days),
            **{name: calc.from_fen(getattr(row, name)) for name in calc.COMPONENTS},
        )
    return lines


def is_closed(month: dt.date) -> PayMonth | None:
    return db.session.scalar(sa.select(PayMonth).where(PayMonth.month == month))


def adjustment_month() -> dt.date | None:
    """The next open month after the last closed one: differences found in closed months land here."""
    last = db.session.scalar(sa.select(sa.func.max(PayMonth.month)))
    return calc.next_month(last) if last else None


def adjustments(officer_filter) -> dict[int, tuple[int, Decimal]]:
    """officer id → (street id, amount still owed for closed months): what the closed months' rosters
    come to now, less what was paid for them (their stored pay and the adjustments already paid)."""
    closed = list(db.session.scalars(sa.select(PayMonth.month).order_by(PayMonth.month)))
    if not closed:
        return {}
    owed = _lines(calc.month_lines_statement_summed(closed, officer_filter))
    paid = db.session.execute(
        sa.select(PayRosterLine.officer_id, sa.func.sum(fen(PayRosterLine.total)))
        .join(Officer, Officer.id == PayRosterLine.officer_id)
        .where(officer_filter)
        .group_by(PayRosterLine.officer_id)
    ).all()
    result: dict[int, tuple[int, Decimal]] = {}
    paid_by_officer = {officer_id: calc.from_fen(total) for officer_id, total in paid}
    for officer_id in set(owed) | set(paid_by_officer):
        line = owed.get(officer_id)
        now = line.total if line else ZERO
        difference = now - paid_by_officer.get(officer_id, ZERO)
        if difference:
            result[officer_id] = (line.street_id if line else None, difference)
    missing = [officer_id for officer_id, (street, _) in result.items() if street is None]
    if missing:
        streets = dict(
            db.session.execute(sa.select(Officer.id, Officer.street_id).where(Officer.id.in_(missing))).all()
        )
        result = {k: (street or streets[k], amount) for k, (street, amount) in result.items()}
    return result


def computed_roster(month: dt.date, officer_filter, *, with_adjustments: bool = True) -> list[RosterLine]:
    """The roster of an open month as it would be paid now (adjustments in the first open month)."""
    lines = _lines(calc.month_lines_statement([month], officer_filter))
    if with_adjustments and month == adjustment_month():
        for officer_id, (street_id, amount) in adjustments(officer_filter).items():
            line = lines.setdefault(officer_id, RosterLine(officer_id=officer_id, street_id=street_id, days=0))
            line.adjustment = amount
    return sorted(lines.values(), key=lambda line: line.officer_id)


def stored_roster(month: dt.date, officer_filter) -> list[RosterLine]:
    """A closed month's stored lines, read as plain rows of the columns a line needs (thousands of
    lines: no ORM objects to build and track)."""
    names = ("officer_id", "street_id", "days", *calc.COMPONENTS, "adjustment")
    rows = db.session.execute(
        sa.select(*[PayRosterLine.__table__.c[name] for name in names])
        .join(Officer, Officer.id == PayRosterLine.officer_id)
        .where(PayRosterLine.month == month, officer_filter)
        .order_by(PayRosterLine.officer_id)
    )
    return [RosterLine(**dict(zip(names, row, strict=True))) for row in rows]


@dataclasses.dataclass
class Roster:
    month: dt.date
    closed: PayMonth | None
    lines: list[RosterLine]
    streets: dict[int, str]

    def totals_by_street(self) -> list[tuple[str, int, dict[str, Decimal]]]:
        sums: dict[int, dict] = {}
        counts: dict[int, int] = {}
        for line in self.lines:
            bucket = sums.setdefault(line.street_id, {name: ZERO for name in (*calc.COMPONENTS, "adjustment", "total")})
            counts[line.street_id] = counts.get(line.street_id, 0) + 1
            for name in bucket:
                bucket[name] += getattr(line, name)
        return [
            (self.streets.get(street_id, ""), counts[street_id], sums[street_id])
            for street_id in sorted(sums, key=lambda s: self.streets.get(s, ""))
        ]

    def grand_total(self) -> dict[str, Decimal]:
        total = {name: ZERO for name in (*calc.COMPONENTS, "adjustment", "total")}
        for line in self.lines:
            for name in total:
                total[name] += getattr(line, name)
        return total


def roster(user, month: dt.date, street_id: int | None = None) -> Roster:
    month = calc.month_start(month)
    condition = staff_filter(user, street_id)
    closed = is_closed(month)
    lines = stored_roster(month, condition) if closed else computed_roster(month, condition)
    if lines:
        # Names by the same condition as the lines (not an IN list of thousands of ids); an officer
        # who left the condition since (a line kept for a closed month) is looked up by id.
        columns = (Officer.id, Officer.name, Officer.employee_no)
        people = {row.id: row for row in db.session.execute(sa.select(*columns).where(condition))}
        missing = [line.officer_id for line in lines if line.officer_id not in people]
        if missing:
            people.update(
                (row.id, row) for row in db.session.execute(sa.select(*columns).where(Officer.id.in_(missing)))
            )
        for line in lines:
            person = people[line.officer_id]
            line.name, line.employee_no = person.name, person.employee_no
        lines.sort(key=lambda line: (line.employee_no, line.officer_id))
    streets = dict(db.session.execute(sa.select(Street.id, Street.name)).all())
    return Roster(month=month, closed=closed, lines=lines, streets=streets)


def visible_streets(user) -> list[Street]:
    return list(db.session.scalars(sa.select(Street).where(street_scope(user, Street.id)).order_by(Street.code)))


# --- an officer's pay on a date -----------------------------------------------------------------


@dataclasses.dataclass
class Component:
    key: str
    amount: Decimal
    rule: str


@dataclasses.dataclass
class PayBreakdown:
    on: dt.date
    employed: bool
    components: list[Component]
    scale: PayScale | None
    rules: AllowanceRuleSet | None
    tier: Tier | None
    step: int | None

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.components), ZERO)


def pay_on(officer: Officer, on: dt.date) -> PayBreakdown:
    """The monthly rates `officer` is paid at on `on`, each with the rule it came from."""
    from flask_babel import gettext as _

    row = db.session.execute(calc.rates_on(Officer.id == officer.id, on)).first()
    if row is None:
        return PayBreakdown(on, False, [], None, None, None, None)
    scale = db.session.get(PayScale, row.scale_id) if row.scale_id else None
    rules = db.session.get(AllowanceRuleSet, row.rule_id) if row.rule_id else None
    tier = db.session.get(Tier, row.tier_id) if row.tier_id else None
    amount = {name: calc.from_fen(getattr(row, name)) for name in calc.COMPONENTS}
    if tier is None:
        base_rule = _("No tier record on this date.")
    elif scale is None:
        base_rule = _("No approved pay scale in force on this date.")
    else:
        base_rule = _(
            "Pay scale v%(version)d (%(doc)s, from %(start)s): %(tier)s step %(step)d",
            version=scale.version,
            doc=scale.document_no or "—",
            start=scale.effective_from.isoformat(),
            tier=tier.label,
            step=row.step,
        )
    if rules is None:
        no_rules = _("No approved allowance rules in force on this date.")
        rule_text = dict.fromkeys(("seniority", "certificate", "difficulty", "performance"), no_rules)
    else:
        coefficient = Decimal(row.coefficient_pct) / 100
        rule_text = {
            "seniority": _(
                "%(years)d full years of service on the 1st of the month × ¥%(rate)s (at most %(cap)d years)",
                years=row.seniority_years,
                rate=rules.seniority_per_year,
                cap=rules.seniority_max_years,
            ),
            "certificate": _(
                "%(count)d valid certificate(s) × ¥%(rate)s (at most %(cap)d)",
                count=row.certificates,
                rate=rules.certificate_amount,
                cap=rules.certificate_max_count,
            ),
            "difficulty": _("Grid type: %(type)s", type=GRID_TYPES.get(row.grid_type, _("no grid")))
            if row.grid_type
            else _("No primary grid posting on this date."),
            "performance": _(
                "Pool share ¥%(share)s × %(coefficient)s (annual result %(year)d: %(grade)s)",
                share=rules.performance_pool_share,
                coefficient=f"{coefficient:.2f}",
                year=on.year - 1,
                grade=GRADES.get(row.grade, _("none")),
            ),
        }
    rules_suffix = " · " + _("allowance rules v%(version)d", version=rules.version) if rules else ""
    components = [Component("base", amount["base"], base_rule)] + [
        Component(key, amount[key], rule_text[key] + (rules_suffix if rules else "")) for key in calc.COMPONENTS[1:]
    ]
    return PayBreakdown(on, True, components, scale, rules, tier, row.step)


def officer_roster_history(officer_id: int, limit: int = 12) -> list[PayRosterLine]:
    return list(
        db.session.scalars(
            sa.select(PayRosterLine)
            .where(PayRosterLine.officer_id == officer_id)
            .order_by(PayRosterLine.month.desc())
            .limit(limit)
        )
    )


# --- scales -----------------------------------------------------------------------------------------


def scales() -> list[PayScale]:
    return list(db.session.scalars(sa.select(PayScale).order_by(PayScale.version.desc())))


def rule_sets() -> list[AllowanceRuleSet]:
    return list(db.session.scalars(sa.select(AllowanceRuleSet).order_by(AllowanceRuleSet.version.desc())))


def tiers() -> list[Tier]:
    return list(db.session.scalars(sa.select(Tier).order_by(Tier.ordinal)))


def scale_grid(scale: PayScale) -> dict[tuple[int, int], Decimal]:
    return {
        (cell.tier_id, cell.step): cell.monthly_base
        for cell in db.session.scalars(sa.select(PayScaleCell).where(PayScaleCell.scale_id == scale.id))
    }


# --- funding --------------------------------------------------------------------------------------


def standards() -> list[FundingStandard]:
    return list(db.session.scalars(sa.select(FundingStandard).order_by(FundingStandard.year)))


def growth(start: Decimal, end: Decimal) -> Decimal:
    """Growth from `start` to `end` in percent, one decimal, half up (30,400 → 50,400: 65.8)."""
    return ((end / start - 1) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def standards_with_growth() -> list[tuple[FundingStandard, Decimal | None]]:
    rows, previous = [], None
    for standard in standards():
        yoy = None
        if previous is not None and previous.year == standard.year - 1:
            yoy = growth(previous.amount_per_officer, standard.amount_per_officer)
        rows.append((standard, yoy))
        previous = standard
    return rows


def standard_for(year: int) -> FundingStandard | None:
    return db.session.scalar(sa.select(FundingStandard).where(FundingStandard.year == year))


def actual_cost_by_street(year: int, officer_filter) -> dict[int, Decimal]:
    """street id → the year's pay cost: closed months as stored, open months as computed now
    (with the adjustments of the first open month). Set-based: a handful of statements."""
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    closed = set(
        db.session.scalars(sa.select(PayMonth.month).where(PayMonth.month >= months[0], PayMonth.month <= months[-1]))
    )
    cost: dict[int, Decimal] = {}
    stored = db.session.execute(
        sa.select(PayRosterLine.street_id, sa.func.sum(fen(PayRosterLine.total)))
        .join(Officer, Officer.id == PayRosterLine.officer_id)
        .where(PayRosterLine.month >= months[0], PayRosterLine.month <= months[-1], officer_filter)
        .group_by(PayRosterLine.street_id)
    ).all()
    for street_id, total in stored:
        cost[street_id] = calc.from_fen(total)
    open_months = [m for m in months if m not in closed]
    if not open_months:
        return cost
    # The first open month pays what the closed months come to now less what was paid for them.
    # Summed per street that is Σ recomputed − Σ paid over the closed months, so the closed months
    # are recomputed in the same statement as the open ones (one pass over the segments).
    all_closed = list(db.session.scalars(sa.select(PayMonth.month))) if adjustment_month() in open_months else []
    for street_id, _month, total_fen in db.session.execute(
        calc.street_totals_statement(open_months + all_closed, officer_filter)
    ):
        cost[street_id] = cost.get(street_id, ZERO) + calc.from_fen(total_fen)
    if all_closed:
        paid = db.session.execute(
            sa.select(Officer.street_id, sa.func.sum(fen(PayRosterLine.total)))
            .join(Officer, Officer.id == PayRosterLine.officer_id)
            .where(officer_filter)
            .group_by(Officer.street_id)
        ).all()
        for street_id, total_fen in paid:
            cost[street_id] = cost.get(street_id, ZERO) - calc.from_fen(total_fen)
    return cost


@dataclasses.dataclass
class FundingRow:
    street_id: int
    street: str
    headcount: int | None
    allocation: Decimal | None
    actual: Decimal

    @property
    def variance(self) -> Decimal | None:
        return None if self.allocation is None else self.allocation - self.actual

    @property
    def used_percent(self) -> Decimal | None:
        if not self.allocation:
            return None
        return (self.actual / self.allocation * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclasses.dataclass
class FundingReport:
    year: int
    standard: FundingStandard | None
    rows: list[FundingRow]
    previous_standard: FundingStandard | None

    @property
    def total_headcount(self) -> int:
        return sum(row.headcount or 0 for row in self.rows)

    @property
    def total_allocation(self) -> Decimal:
        return sum((row.allocation or ZERO for row in self.rows), ZERO)

    @property
    def total_actual(self) -> Decimal:
        return sum((row.actual for row in self.rows), ZERO)

    @property
    def total_variance(self) -> Decimal:
        return self.total_allocation - self.total_actual

    @property
    def growth(self) -> Decimal | None:
        if self.standard and self.previous_standard:
            return growth(self.previous_standard.amount_per_officer, self.standard.amount_per_officer)
        return None


def funding_report(user, year: int) -> FundingReport:
    streets = visible_streets(user)
    standard = standard_for(year)
    allocations = {
        row.street_id: row.budgeted_headcount
        for row in db.session.scalars(sa.select(FundingAllocation).where(FundingAllocation.year == year))
    }
    actual = actual_cost_by_street(year, staff_filter(user))
    rows = []
    for street in streets:
        headcount = allocations.get(street.id)
        allocation = (
            (standard.amount_per_officer * headcount).quantize(ZERO)
            if standard is not None and headcount is not None
            else None
        )
        rows.append(FundingRow(street.id, street.name, headcount, allocation, actual.get(street.id, ZERO)))
    return FundingReport(year, standard, rows, standard_for(year - 1))


def allocations(year: int) -> dict[int, int]:
    return {
        row.street_id: row.budgeted_headcount
        for row in db.session.scalars(sa.select(FundingAllocation).where(FundingAllocation.year == year))
    }


# --- what-if ----------------------------------------------------------------------------------------


@dataclasses.dataclass
class WhatIfRow:
    street_id: int
    street: str
    officers: int
    current: Decimal
    proposed: Decimal
    budget: Decimal | None

    @property
    def change(self) -> Decimal:
        return self.proposed - self.current

    @property
    def gap(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.proposed


@dataclasses.dataclass
class WhatIf:
    on: dt.date
    year: int
    standard: FundingStandard | None
    rows: list[WhatIfRow]
    per_officer: dict[int, Decimal]

    @property
    def total_current(self) -> Decimal:
        return sum((row.current for row in self.rows), ZERO)

    @property
    def total_proposed(self) -> Decimal:
        return sum((row.proposed for row in self.rows), ZERO)

    @property
    def total_budget(self) -> Decimal | None:
        budgets = [row.budget for row in self.rows if row.budget is not None]
        return sum(budgets, ZERO) if budgets else None


def _annual_by_officer(officer_filter, on: dt.date, scale: calc.ScaleChoice) -> dict[int, tuple[int, Decimal]]:
    return {
        row.officer_id: (row.street_id, calc.from_fen(sum(getattr(row, name) for name in calc.COMPONENTS) * 12))
        for row in db.session.execute(calc.rates_on(officer_filter, on, scale))
    }


def what_if(user, *, on: dt.date, scale: calc.ScaleChoice, street_id: int | None = None) -> WhatIf:
    """Next year's cost of today's workforce at their current tier, step and allowances, with the
    base pay priced by `scale` (a draft, or the scale in force + x %), against the funding of next
    year (its standard × budgeted headcount, or × today's head count where none is budgeted)."""
    condition = staff_filter(user, street_id)
    year = on.year + 1
    current = _annual_by_officer(condition, on, calc.ScaleChoice())
    proposed = _annual_by_officer(condition, on, scale)
    standard = standard_for(year) or db.session.scalar(
        sa.select(FundingStandard).where(FundingStandard.year <= year).order_by(FundingStandard.year.desc()).limit(1)
    )
    budgeted = allocations(year)
    rows = []
    for street in visible_streets(user):
        if street_id and street.id != street_id:
            continue
        ids = [officer_id for officer_id, (s, _) in proposed.items() if s == street.id]
        headcount = budgeted.get(street.id, len(ids))
        rows.append(
            WhatIfRow(
                street_id=street.id,
                street=street.name,
                officers=len(ids),
                current=sum((current[i][1] for i in ids if i in current), ZERO),
                proposed=sum((proposed[i][1] for i in ids), ZERO),
                budget=(standard.amount_per_officer * headcount).quantize(ZERO) if standard else None,
            )
        )
    return WhatIf(on, year, standard, rows, {officer_id: amount for officer_id, (_, amount) in proposed.items()})


def can_see_pay_of(user, officer: Officer) -> bool:
    if has_role(user, Role.OFFICER):
        return user.officer_id == officer.id
    return has_role(user, Role.ADMIN, Role.HR_CLERK)
