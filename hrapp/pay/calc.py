"""The pay computation, set-based in SQL: one statement for every officer of a month (or a year).

How a month's pay is derived (never typed in):
- The month is cut, per officer, into segments at every date something changes: the month start,
  hire and leaving dates, tier records, primary grid postings, certificate start and expiry, and
  the start and end of each approved pay scale and allowance rule version.
- Inside a segment everything is constant; its state is read once at the segment's first day:
  base pay from the scale in force for the officer's tier and step; seniority = years of service
  completed on the first of the month (capped) × the rate; certificates valid that day (capped) ×
  the rate; the grid difficulty allowance of the primary grid's type; performance pay = pool share
  × the coefficient of last year's annual grade.
- Each component of the month = Σ monthly rate × days in the segment / days in the month, rounded
  half up to the fen once per component. All arithmetic is on integer fen (no float).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from hrapp.certification.models import AnnualResult, TierRecord
from hrapp.core.db import day_after, days_between, fen
from hrapp.extensions import db
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Grid
from hrapp.pay.models import AllowanceRuleSet, PayScale, PayScaleCell
from hrapp.pay.sources import certificates, valid_certificate_count

# The years pay and funding are kept for: a month, a standard or an allocation outside them is refused.
FIRST_PAY_YEAR, LAST_PAY_YEAR = 2000, 2100
COMPONENTS = ("base", "seniority", "certificate", "difficulty", "performance")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def days_in_month(month: dt.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def from_fen(value) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def _leave_date():
    """An officer who left stops being paid on the day their last posting ended (the leaving date
    `officers.services.deactivate` writes); officers on duty, on leave or suspended are paid."""
    last_posting_end = (
        sa.select(sa.func.max(Posting.effective_to)).where(Posting.officer_id == Officer.id).scalar_subquery()
    )
    return sa.case((Officer.status == "left", sa.func.coalesce(last_posting_end, Officer.hire_date)), else_=None)


def employed_officers(officer_filter, start: dt.date, end: dt.date):
    """Subquery (officer_id, street_id, hire_date, leave_date) of officers employed some day in [start, end)."""
    leave = _leave_date().label("leave_date")
    inner = sa.select(Officer.id.label("officer_id"), Officer.street_id, Officer.hire_date, leave).where(
        Officer.hire_date < end, officer_filter
    )
    inner = inner.subquery("staff")
    return (
        sa.select(inner)
        .where(sa.or_(inner.c.leave_date.is_(None), inner.c.leave_date > start))
        .where(sa.or_(inner.c.leave_date.is_(None), inner.c.leave_date > inner.c.hire_date))
        .cte("employed")
    )


def _months_table(months: list[dt.date]):
    selects = [
        sa.select(
            sa.literal(m, sa.Date).label("start"),
            sa.literal(next_month(m), sa.Date).label("next"),
            sa.literal(days_in_month(m)).label("dim"),
            sa.literal(m.year).label("year"),
            sa.literal(m.month).label("month_no"),
        )
        for m in months
    ]
    return (selects[0] if len(selects) == 1 else sa.union_all(*selects)).cte("months")


def _breakpoints(staff, start: dt.date, end: dt.date):
    """Every date in [start, end) at which some input of an officer's pay may change: the range
    start, 1 January (the grade year turns), and every dated change. Month boundaries are not
    among them: a segment is split over the months it spans afterwards, without a new lookup."""

    def inside(column):
        return sa.and_(column >= start, column < end)

    new_years = [dt.date(year, 1, 1) for year in range(start.year + 1, (end - dt.timedelta(days=1)).year + 1)]
    parts = [sa.select(staff.c.officer_id, sa.literal(day, sa.Date).label("day")) for day in [start, *new_years]] + [
        sa.select(staff.c.officer_id, staff.c.hire_date).where(inside(staff.c.hire_date)),
        sa.select(staff.c.officer_id, staff.c.leave_date).where(inside(staff.c.leave_date)),
    ]
    for model, extra in ((TierRecord, None), (Posting, Posting.is_primary.is_(True))):
        for column in (model.effective_from, model.effective_to):
            stmt = sa.select(staff.c.officer_id, column).join(model, model.officer_id == staff.c.officer_id)
            stmt = stmt.where(inside(column))
            parts.append(stmt.where(extra) if extra is not None else stmt)
    for model in (PayScale, AllowanceRuleSet):
        for column in (model.effective_from, model.effective_to):
            parts.append(
                sa.select(staff.c.officer_id, column)
                .join(model, sa.true())
                .where(model.status == "approved", inside(column))
            )
    held = certificates()
    parts.append(
        sa.select(staff.c.officer_id, held.c.valid_from)
        .join(held, held.c.officer_id == staff.c.officer_id)
        .where(inside(held.c.valid_from))
    )
    # Valid through its expiry date: the allowance stops the day after.
    parts.append(
        sa.select(staff.c.officer_id, day_after(held.c.valid_until))
        .join(held, held.c.officer_id == staff.c.officer_id)
        .where(held.c.valid_until >= start - dt.timedelta(days=1), held.c.valid_until < end - dt.timedelta(days=1))
    )
    return sa.union(*parts).subquery("breakpoints")


@dataclasses.dataclass(frozen=True)
class ScaleChoice:
    """Which scale prices the base pay: the approved one in force (default) or a fixed version
    (a draft under a what-if), optionally raised by `percent` (each cell rounded to the fen)."""

    scale_id: int | None = None
    percent: Decimal | None = None


def seniority_years(hire_year, hire_month, hire_day, year, month):
    """SQL: full years of service completed on the first day of month `year`-`month`."""
    return (
        year - hire_year - sa.case((sa.or_(hire_month > month, sa.and_(hire_month == month, hire_day > 1)), 1), else_=0)
    )


def capped(value, cap):
    return sa.case((value < 0, 0), (value > cap, cap), else_=value)


_STATE_ALIASES: tuple | None = None


def _state_aliases() -> tuple:
    """The aliases `state_columns` joins, built once per process: SQLAlchemy memoizes the adapted
    columns of an alias, so fresh ones on every call made each officer page (whose pay panel asks
    for the rates in force) rebuild them, a fifth of its time. A statement uses them once."""
    global _STATE_ALIASES
    if _STATE_ALIASES is None:
        models = (TierRecord, PayScale, PayScaleCell, AllowanceRuleSet, Posting, Grid, AnnualResult, Officer)
        _STATE_ALIASES = tuple(sa.orm.aliased(model) for model in models)
    return _STATE_ALIASES


def state_columns(points, officer_id_col, day_col, grade_year_col, scale: ScaleChoice = ScaleChoice()):
    """The pay state of officer `officer_id_col` on `day_col`: returns (joins, columns), the
    columns being labelled monthly rates in fen, the rule inputs that explain them, and what
    seniority needs (its rate and cap, the hire date's parts): seniority is counted per month.
    The certificate count is a correlated subquery: it is capped by the caller, on the computed
    column, so that it runs once per row."""
    tier_record, scale_version, cell, rules, posting, grid, result, officer = _state_aliases()

    def valid(model):
        return sa.and_(
            model.effective_from <= day_col, sa.or_(model.effective_to.is_(None), model.effective_to > day_col)
        )

    if scale.scale_id is None:
        scale_condition = sa.and_(scale_version.status == "approved", valid(scale_version))
    else:
        scale_condition = scale_version.id == scale.scale_id
    stmt = (
        points.join(officer, officer.id == officer_id_col)
        .outerjoin(tier_record, sa.and_(tier_record.officer_id == officer_id_col, valid(tier_record)))
        .outerjoin(scale_version, scale_condition)
        .outerjoin(
            cell,
            sa.and_(
                cell.scale_id == scale_version.id, cell.tier_id == tier_record.tier_id, cell.step == tier_record.step
            ),
        )
        .outerjoin(rules, sa.and_(rules.status == "approved", valid(rules)))
        .outerjoin(posting, sa.and_(posting.officer_id == officer_id_col, posting.is_primary.is_(True), valid(posting)))
        .outerjoin(grid, grid.id == posting.grid_id)
        .outerjoin(result, sa.and_(result.officer_id == officer_id_col, result.year == grade_year_col))
    )
    certificates = valid_certificate_count(officer_id_col, day_col)
    difficulty = sa.case(
        (grid.grid_type == "urban_village", rules.difficulty_urban_village),
        (grid.grid_type == "commercial", rules.difficulty_commercial),
        (grid.grid_type == "special", rules.difficulty_special),
        (grid.grid_type == "residential", rules.difficulty_residential),
        else_=0,
    )
    coefficient = sa.case(
        (result.grade == 4, rules.coefficient_excellent),
        (result.grade == 3, rules.coefficient_qualified),
        (result.grade == 2, rules.coefficient_basic),
        (result.grade == 1, rules.coefficient_unqualified),
        else_=rules.coefficient_none,
    )
    base = fen(cell.monthly_base)
    if scale.percent is not None:
        # cell × (100 + p) / 100 on integer fen, half up; p is in hundredths of a percent.
        hundredths = int((Decimal(str(scale.percent)) * 100).to_integral_value())
        base = (base * (10000 + hundredths) * 2 + 10000) // 20000
    columns = [
        tier_record.tier_id.label("tier_id"),
        tier_record.step.label("step"),
        scale_version.id.label("scale_id"),
        rules.id.label("rule_id"),
        certificates.label("certificates"),
        grid.grid_type.label("grid_type"),
        result.grade.label("grade"),
        fen(coefficient).label("coefficient_pct"),
        sa.func.coalesce(base, 0).label("base"),
        sa.func.coalesce(fen(rules.certificate_amount), 0).label("certificate_rate"),
        sa.func.coalesce(rules.certificate_max_count, 0).label("certificate_cap"),
        sa.func.coalesce(fen(difficulty), 0).label("difficulty"),
        sa.func.coalesce((fen(rules.performance_pool_share) * fen(coefficient) + 50) // 100, 0).label("performance"),
        sa.func.coalesce(fen(rules.seniority_per_year), 0).label("seniority_rate"),
        sa.func.coalesce(rules.seniority_max_years, 0).label("seniority_cap"),
        sa.cast(sa.extract("year", officer.hire_date), sa.Integer).label("hire_year"),
        sa.cast(sa.extract("month", officer.hire_date), sa.Integer).label("hire_month"),
        sa.cast(sa.extract("day", officer.hire_date), sa.Integer).label("hire_day"),
    ]
    return stmt, columns


def _later(a, b):
    return sa.case((a > b, a), else_=b)


def _earlier(a, b):
    return sa.case((a < b, a), else_=b)


def month_lines_statement(months: list[dt.date], officer_filter, scale: ScaleChoice = ScaleChoice()):
    """SELECT officer_id, street_id, month, days and each component (integer fen) for every officer
    employed in `months` that `officer_filter` admits: one statement whatever the head count.

    The state is looked up once per segment (between two changes); each segment is then split over
    the months it spans, where seniority is counted for that month."""
    months = sorted(months)
    start, end = months[0], next_month(months[-1])
    staff = employed_officers(officer_filter, start, end)
    month_table = _months_table(months)
    points = _breakpoints(staff, start, end)
    lead = sa.func.lead(points.c.day).over(partition_by=points.c.officer_id, order_by=points.c.day)
    cuts = (
        sa.select(
            points.c.officer_id,
            points.c.day.label("seg_from"),
            sa.func.coalesce(lead, sa.literal(end, sa.Date)).label("seg_to"),
        )
    ).subquery("cuts")
    segment = (
        sa.select(cuts.c.officer_id, staff.c.street_id, cuts.c.seg_from, cuts.c.seg_to)
        .join(staff, staff.c.officer_id == cuts.c.officer_id)
        .where(cuts.c.seg_from >= staff.c.hire_date)
        .where(sa.or_(staff.c.leave_date.is_(None), cuts.c.seg_from < staff.c.leave_date))
    ).subquery("segments")
    grade_year = sa.cast(sa.extract("year", segment.c.seg_from), sa.Integer) - 1
    joined, columns = state_columns(segment, segment.c.officer_id, segment.c.seg_from, grade_year, scale)
    state = (
        sa.select(segment.c.officer_id, segment.c.street_id, segment.c.seg_from, segment.c.seg_to, *columns)
        .select_from(joined)
        .cte("state")
        .prefix_with("MATERIALIZED")
    )
    piece_days = days_between(
        _later(state.c.seg_from, month_table.c.start), _earlier(state.c.seg_to, month_table.c.next)
    )
    years = capped(
        seniority_years(
            state.c.hire_year, state.c.hire_month, state.c.hire_day, month_table.c.year, month_table.c.month_no
        ),
        state.c.seniority_cap,
    )
    rates = {name: state.c[name] for name in ("base", "difficulty", "performance")}
    rates["seniority"] = state.c.seniority_rate * years
    rates["certificate"] = state.c.certificate_rate * _earlier(state.c.certificates, state.c.certificate_cap)
    pieces = (
        sa.select(
            state.c.officer_id,
            state.c.street_id,
            month_table.c.start.label("month"),
            month_table.c.dim,
            piece_days.label("days"),
            *[rates[name].label(name) for name in COMPONENTS],
        )
        .select_from(state)
        .join(month_table, sa.and_(month_table.c.start < state.c.seg_to, month_table.c.next > state.c.seg_from))
    ).subquery("pieces")

    def prorated(name):
        # Σ rate × days / days in month, half up to the fen, on integers. PostgreSQL sums bigints
        # as numeric: cast back so that // stays an integer division.
        total = sa.cast(sa.func.sum(pieces.c[name] * pieces.c.days), sa.BigInteger)
        return ((total * 2 + pieces.c.dim) // (pieces.c.dim * 2)).label(name)

    return sa.select(
        pieces.c.officer_id,
        pieces.c.street_id,
        pieces.c.month,
        sa.func.sum(pieces.c.days).label("days"),
        *[prorated(name) for name in COMPONENTS],
    ).group_by(pieces.c.officer_id, pieces.c.street_id, pieces.c.month, pieces.c.dim)


def rates_on(officer_filter, on: dt.date, scale: ScaleChoice = ScaleChoice()):
    """SELECT officer_id, street_id and the monthly rates in force on `on` (with the inputs behind
    them) for every officer employed that day: pay on a date, and the what-if's workforce."""
    staff = employed_officers(officer_filter, on, on + dt.timedelta(days=1))
    employed_today = (
        sa.select(staff.c.officer_id, staff.c.street_id)
        .where(staff.c.hire_date <= on)
        .where(sa.or_(staff.c.leave_date.is_(None), staff.c.leave_date > on))
        .subquery("today")
    )
    joined, columns = state_columns(
        employed_today, employed_today.c.officer_id, sa.literal(on, sa.Date), sa.literal(on.year - 1), scale
    )
    state = (
        sa.select(employed_today.c.officer_id, employed_today.c.street_id, *columns)
        .select_from(joined)
        .cte("state")
        .prefix_with("MATERIALIZED")
    )
    years = capped(
        seniority_years(state.c.hire_year, state.c.hire_month, state.c.hire_day, on.year, on.month),
        state.c.seniority_cap,
    )
    return sa.select(
        state,
        years.label("seniority_years"),
        (state.c.seniority_rate * years).label("seniority"),
        (state.c.certificate_rate * _earlier(state.c.certificates, state.c.certificate_cap)).label("certificate"),
    )


def run(statement) -> list:
    return db.session.execute(statement).all()


def month_lines_statement_summed(months: list[dt.date], officer_filter):
    """Per officer, the months' lines summed (each month rounded on its own first)."""
    lines = month_lines_statement(months, officer_filter).subquery("lines")
    return sa.select(
        lines.c.officer_id,
        sa.func.max(lines.c.street_id).label("street_id"),
        sa.func.sum(lines.c.days).label("days"),
        *[sa.func.sum(lines.c[name]).label(name) for name in COMPONENTS],
    ).group_by(lines.c.officer_id)


def street_totals_statement(months: list[dt.date], officer_filter):
    """(street id, month, total pay in fen) of `months`, each officer-month rounded as on its roster."""
    lines = month_lines_statement(months, officer_filter).subquery("lines")
    total = sum((lines.c[name] for name in COMPONENTS[1:]), lines.c[COMPONENTS[0]])
    return sa.select(lines.c.street_id, lines.c.month, sa.func.sum(total).label("total")).group_by(
        lines.c.street_id, lines.c.month
    )
