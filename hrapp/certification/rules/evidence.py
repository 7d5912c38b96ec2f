"""Evidence for the engine: the integrity findings source a later domain registers, and one
GROUP BY aggregate per source (attendance, annual results, integrity findings), shared by
`engine.evaluate` and `shortlist.shortlist`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from hrapp.certification.models import AnnualResult
from hrapp.core.dates import add_months
from hrapp.training.models import Attendance, Course, TrainingSession

# --- evidence sources --------------------------------------------------------------------------

INTEGRITY_FINDINGS_SOURCE: Callable[[], sa.Selectable | None] | None = None


def register_integrity_findings_source(source: Callable[[], sa.Selectable | None] | None) -> None:
    """Called by the integrity domain; None unregisters (tests)."""
    global INTEGRITY_FINDINGS_SOURCE
    INTEGRITY_FINDINGS_SOURCE = source


def _integrity_findings():
    source = INTEGRITY_FINDINGS_SOURCE
    selectable = source() if source is not None else None
    return selectable.subquery() if isinstance(selectable, sa.Select) else selectable


def _window_start(on: dt.date, months: int) -> dt.date:
    return add_months(on, -months)


# --- evidence aggregates: one GROUP BY per source, shared by `evaluate` and `shortlist` ---------


def _hour_spec(rule) -> tuple:
    return (rule.training_window_months, rule.course_category)


def _exam_spec(rule) -> tuple:
    return (rule.exam_window_months, rule.course_category, rule.exam_min_score or 0)


def _grade_spec(rule) -> tuple:
    return (rule.grade_years, rule.grade_min)


def _integrity_spec(rule) -> tuple:
    return (rule.integrity_severity, rule.integrity_months or 0)


def _training_aggregate(rules, officers_subquery, on: dt.date):
    """(statement, hour column index by spec, exam column index by spec), or None without
    training criteria. Columns: officer_id, then the hours per (window, category) and the best
    passing exam score per (window, category, minimum score)."""
    hour_specs = sorted({_hour_spec(r) for r in rules if r.training_hours is not None}, key=str)
    exam_specs = sorted({_exam_spec(r) for r in rules if r.exam_required}, key=str)
    if not hour_specs and not exam_specs:
        return None

    def in_window(months: int, category: str | None):
        conditions = [TrainingSession.held_on > _window_start(on, months)]
        if category:
            conditions.append(Course.category == category)
        return sa.and_(*conditions)

    columns = [
        sa.func.coalesce(sa.func.sum(sa.case((in_window(months, category), Attendance.hours), else_=0)), 0).label(
            f"hours_{i}"
        )
        for i, (months, category) in enumerate(hour_specs)
    ]
    columns += [
        sa.func.max(
            sa.case(
                (
                    sa.and_(
                        in_window(months, category),
                        Course.is_exam.is_(True),
                        Attendance.passed.is_(True),
                        Attendance.exam_score >= min_score,
                    ),
                    Attendance.exam_score,
                )
            )
        ).label(f"exam_{i}")
        for i, (months, category, min_score) in enumerate(exam_specs)
    ]
    longest = max([months for months, _ in hour_specs] + [months for months, _, _ in exam_specs])
    statement = (
        sa.select(Attendance.officer_id.label("officer_id"), *columns)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .where(
            Attendance.officer_id.in_(officers_subquery),
            TrainingSession.held_on > _window_start(on, longest),
            TrainingSession.held_on <= on,
        )
        .group_by(Attendance.officer_id)
    )
    hour_index = {spec: 1 + i for i, spec in enumerate(hour_specs)}
    exam_index = {spec: 1 + len(hour_specs) + i for i, spec in enumerate(exam_specs)}
    return statement, hour_index, exam_index


def _grade_aggregate(rules, officers_subquery, on: dt.date):
    """(statement, column index by spec) or None: per officer, per (years, grade), the number of
    annual results of the last `years` calendar years reaching `grade`."""
    specs = sorted({_grade_spec(r) for r in rules if r.grade_min and r.grade_years})
    if not specs:
        return None
    columns = [
        sa.func.count(sa.case((sa.and_(AnnualResult.year >= on.year - years, AnnualResult.grade >= grade), 1))).label(
            f"grades_{i}"
        )
        for i, (years, grade) in enumerate(specs)
    ]
    statement = (
        sa.select(AnnualResult.officer_id.label("officer_id"), *columns)
        .where(
            AnnualResult.officer_id.in_(officers_subquery),
            AnnualResult.year < on.year,
            AnnualResult.year >= on.year - max(years for years, _ in specs),
        )
        .group_by(AnnualResult.officer_id)
    )
    return statement, {spec: 1 + i for i, spec in enumerate(specs)}


def _integrity_aggregate(rules, officers_subquery, on: dt.date):
    """(statement or None without a findings source, column index by spec) or None without
    integrity criteria: per officer, per (severity, months), the findings that count."""
    specs = sorted({_integrity_spec(r) for r in rules if r.integrity_severity})
    if not specs:
        return None
    index = {spec: 1 + i for i, spec in enumerate(specs)}
    findings = _integrity_findings()
    if findings is None:
        return None, index

    def matches(severity: int, months: int):
        conditions = [findings.c.severity >= severity, findings.c.found_on <= on]
        if months:
            conditions.append(findings.c.found_on > _window_start(on, months))
        return sa.and_(*conditions)

    columns = [
        sa.func.count(sa.case((matches(severity, months), 1))).label(f"findings_{i}")
        for i, (severity, months) in enumerate(specs)
    ]
    statement = (
        sa.select(findings.c.officer_id.label("officer_id"), *columns)
        .where(findings.c.officer_id.in_(officers_subquery))
        .group_by(findings.c.officer_id)
    )
    return statement, index
