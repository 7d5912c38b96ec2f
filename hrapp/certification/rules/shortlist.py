"""The shortlist: eligible officers and near-misses decided inside one SQL statement, so a list over
20,000 officers builds evidence for one page only."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from hrapp.certification.rules.engine import _as_date, _current_tiers, _Ladder, _tenure_dates
from hrapp.certification.rules.evidence import (
    _exam_spec,
    _grade_aggregate,
    _grade_spec,
    _hour_spec,
    _integrity_aggregate,
    _integrity_spec,
    _training_aggregate,
)
from hrapp.core.dates import add_months, add_years
from hrapp.extensions import db

# --- the shortlist: eligible officers and near-misses, decided in SQL ---------------------------


@dataclasses.dataclass(slots=True)
class Candidate:
    """An officer `shortlist` keeps: enough to count, sort and page the candidates. The evidence
    of the rows shown comes from `evaluate`."""

    officer_id: int
    employee_no: str
    tier_ordinal: int
    tier_since: dt.date
    eligible: bool
    missing: int  # criteria not met on the date
    tenure_reached_on: dt.date | None  # every tenure criterion reached; None without tenure criteria


def latest_start(on: dt.date, years: int) -> dt.date:
    """The latest day from which `years` calendar years are complete on `on`. add_years never goes
    backwards, so `add_years(start, years) <= on` exactly when `start <= latest_start(on, years)`:
    a tenure criterion becomes a plain date comparison in SQL, with the 29 February rule intact."""
    start = add_years(on, -years)
    while add_years(start + dt.timedelta(days=1), years) <= on:
        start += dt.timedelta(days=1)
    return start


def latest_start_months(on: dt.date, months: int) -> dt.date:
    """As `latest_start`, for whole calendar months (add_months never goes backwards either)."""
    start = add_months(on, -months)
    while add_months(start + dt.timedelta(days=1), months) <= on:
        start += dt.timedelta(days=1)
    return start


def _sum(expressions):
    total = None
    for expression in expressions:
        total = expression if total is None else total + expression
    return total if total is not None else sa.literal(0)


def shortlist(officer_condition, on: dt.date, horizon: dt.date) -> tuple[list[Candidate], int]:
    """The officers matching `officer_condition` who are eligible on `on`, or not eligible but with
    their tenure reached by `horizon` (near-misses), and the number of officers evaluated (holding
    a tier on `on`).

    One statement decides every criterion in SQL with the same aggregates and verdicts as
    `evaluate`: `base` (current tier and since when, as `evaluate` reads them) is narrowed to the
    `pool` of officers whose tenure is reached by the horizon, since both eligible officers and
    near-misses need that; the evidence aggregates run over the pool only, and only its officers
    come back to Python. The count of `base` rides on every row (on a lone row of NULLs when the
    pool is empty)."""
    ladder = _Ladder.on(on)
    ruled = {tier_id: rule for tier_id in ladder.tiers if (rule := ladder.rule_after(tier_id)) is not None}
    used = list({rule.id: rule for rule in ruled.values()}.values())
    base = _current_tiers(officer_condition, on).cte("base")

    def tenure(rows, rule, day: dt.date) -> list:
        """The tenure criteria of `rule` reached by `day`, as conditions on `rows` (base or pool)."""
        parts = []
        if rule.min_service_years is not None:
            parts.append(rows.c.hire_date <= latest_start(day, rule.min_service_years))
        if rule.min_years_in_tier is not None:
            parts.append(rows.c.since <= latest_start(day, rule.min_years_in_tier))
        parts = [sa.or_(*parts)] if len(parts) == 2 and rule.tenure_either else parts
        if rule.min_months_in_tier:
            parts.append(rows.c.since <= latest_start_months(day, rule.min_months_in_tier))
        return parts

    reached = [sa.and_(base.c.tier_id == tier_id, *tenure(base, rule, horizon)) for tier_id, rule in ruled.items()]
    pool = sa.select(base).where(sa.or_(sa.false(), *reached)).cte("pool")
    in_pool = sa.select(pool.c.officer_id)

    source = pool
    training = _training_aggregate(used, in_pool, on)
    if training is not None:
        training_statement, hour_index, exam_index = training
        training = training_statement.subquery("training")
        source = source.outerjoin(training, training.c.officer_id == pool.c.officer_id)
    grades = _grade_aggregate(used, in_pool, on)
    if grades is not None:
        grade_statement, grade_index = grades
        grades = grade_statement.subquery("grades")
        source = source.outerjoin(grades, grades.c.officer_id == pool.c.officer_id)
    integrity = _integrity_aggregate(used, in_pool, on)
    if integrity is not None and integrity[0] is not None:
        integrity_statement, integrity_index = integrity
        integrity = integrity_statement.subquery("integrity")
        source = source.outerjoin(integrity, integrity.c.officer_id == pool.c.officer_id)

    def criteria(rule) -> list:
        """The verdict of each criterion of `rule` on `on`, as SQL conditions on the pool's row."""
        met = tenure(pool, rule, on)
        if rule.training_hours is not None:
            hours = sa.func.coalesce(training.c[hour_index[_hour_spec(rule)]], 0)
            # Rounded to the column's tenth of an hour, as Python reads it (SQLite sums floats).
            met.append(sa.func.round(hours, 1) >= rule.training_hours)
        if rule.exam_required:
            met.append(training.c[exam_index[_exam_spec(rule)]].is_not(None))
        if rule.grade_min and rule.grade_years:
            count = sa.func.coalesce(grades.c[grade_index[_grade_spec(rule)]], 0)
            met.append(count >= (rule.grade_min_count or rule.grade_years))
        if rule.integrity_severity and isinstance(integrity, sa.Subquery):
            met.append(sa.func.coalesce(integrity.c[integrity_index[_integrity_spec(rule)]], 0) == 0)
        return met

    eligible, missing = [sa.false()], []
    for tier_id, rule in ruled.items():
        met = criteria(rule)
        in_tier = pool.c.tier_id == tier_id
        eligible.append(sa.and_(in_tier, *met))
        missing.append((in_tier, _sum(sa.case((condition, 0), else_=1) for condition in met)))
    classified = (
        sa.select(
            pool.c.officer_id,
            pool.c.employee_no,
            pool.c.hire_date,
            pool.c.tier_id,
            pool.c.since,
            sa.or_(*eligible).label("eligible"),
            (sa.case(*missing, else_=0) if missing else sa.literal(0)).label("missing"),
        )
        .select_from(source)
        .subquery("classified")
    )
    totals = sa.select(sa.func.count().label("evaluated")).select_from(base).subquery("totals")
    rows = db.session.execute(
        sa.select(totals.c.evaluated, classified).select_from(totals.outerjoin(classified, sa.true()))
    ).all()

    kept = []
    for row in rows:
        if row.officer_id is None:
            continue
        since = _as_date(row.since)
        dates = _tenure_dates(ruled[row.tier_id], row.hire_date, since)
        kept.append(
            Candidate(
                officer_id=row.officer_id,
                employee_no=row.employee_no,
                tier_ordinal=ladder.tiers[row.tier_id].ordinal,
                tier_since=since,
                eligible=bool(row.eligible),
                missing=row.missing,
                tenure_reached_on=max(dates) if dates else None,
            )
        )
    return kept, rows[0].evaluated if rows else 0
