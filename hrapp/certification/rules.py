"""The eligibility engine: each officer's next tier, criterion by criterion, with evidence.

Set-based: whatever the number of officers, one evaluation runs a fixed handful of queries (tiers,
rule sets, current tier with its start, one aggregate over attendance, one over annual results,
one over integrity findings) and Python only combines the aggregate rows. `evaluate` gives every
criterion with its evidence (the profile panel, the proposal snapshot, the rows a page shows);
`shortlist` decides the same criteria inside one SQL statement and returns only the eligible
officers and the near-misses, so a list over 20,000 officers builds evidence for one page only.

Boundaries are calendar-exact: "4 years as junior" since 2021-03-01 is met on 2025-03-01, not on
2025-02-28; from 29 February, a year later is 28 February. "The last 12 months" on date D is
(D − 12 months, D]. "The last N annual results" are the grades of the N calendar years before D's
year; a missing year counts as not reaching the grade.

Integrity findings belong to a later domain. It registers a source with
`register_integrity_findings_source(fn)`: fn() returns a selectable with columns
(officer_id, found_on, severity) — severity on the SEVERITIES scale — or None, treated as empty.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import types
from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from hrapp.certification.models import (
    SEVERITIES,
    TIER_LABELS,
    AnnualResult,
    PromotionRuleSet,
    Tier,
    TierRecord,
    grade_label,
)
from hrapp.core.dates import add_months, add_years
from hrapp.extensions import db
from hrapp.officers.models import Officer
from hrapp.training.models import COURSE_CATEGORIES, Attendance, Course, TrainingSession

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


# --- results -----------------------------------------------------------------------------------


def _number(value) -> str:
    value = decimal.Decimal(value or 0).quantize(decimal.Decimal("0.1"))
    return f"{value:f}".removesuffix(".0")


@dataclasses.dataclass(slots=True)
class Criterion:
    """One rule of a rule set, met or not, with the values behind the verdict (plain data)."""

    key: str
    met: bool
    data: dict
    reached_on: dt.date | None = None  # tenure criteria: the date the criterion is (was) met

    @property
    def text(self) -> str:
        d = self.data
        if self.key == "service_years":
            return _(
                "%(years)d years of service since %(since)s: reached on %(date)s",
                years=d["years"],
                since=d["since"],
                date=d["reached_on"],
            )
        if self.key == "tier_years":
            return _(
                "%(years)d years as %(tier)s since %(since)s: reached on %(date)s",
                years=d["years"],
                tier=str(TIER_LABELS.get(d["tier"], d["tier"])),
                since=d["since"],
                date=d["reached_on"],
            )
        if self.key == "tier_months":
            return _(
                "%(months)d months as %(tier)s since %(since)s: reached on %(date)s",
                months=d["months"],
                tier=str(TIER_LABELS.get(d["tier"], d["tier"])),
                since=d["since"],
                date=d["reached_on"],
            )
        if self.key == "tenure":
            first, second = (Criterion(part["key"], part["met"], part["data"]).text for part in d["parts"])
            return _("Either %(first)s, or %(second)s", first=first, second=second)
        if self.key == "training_hours":
            text = _(
                "Training hours %(hours)s/%(required)s in the last %(months)d months",
                hours=_number(d["hours"]),
                required=_number(d["required"]),
                months=d["months"],
            )
            return text + _category_suffix(d.get("category"))
        if self.key == "exam":
            if self.met:
                text = _(
                    "Exam passed with a score of %(score)s (at least %(min)s) in the last %(months)d months",
                    score=_number(d["score"]),
                    min=d["min_score"],
                    months=d["months"],
                )
            else:
                text = _(
                    "No exam passed with a score of at least %(min)s in the last %(months)d months",
                    min=d["min_score"],
                    months=d["months"],
                )
            return text + _category_suffix(d.get("category"))
        if self.key == "grades":
            return _(
                "Annual grade %(grade)s or better in %(count)d of the last %(years)d years (needs %(required)d)",
                grade=grade_label(d["grade"]),
                count=d["count"],
                years=d["years"],
                required=d["required"],
            )
        if self.key == "integrity":
            severity = str(SEVERITIES.get(d["severity"], d["severity"]))
            if d["months"]:
                return _(
                    "Integrity findings of severity %(severity)s or worse in the last %(months)d months: %(count)d",
                    severity=severity,
                    months=d["months"],
                    count=d["count"],
                )
            return _(
                "Integrity findings of severity %(severity)s or worse: %(count)d", severity=severity, count=d["count"]
            )
        return self.key

    def as_dict(self) -> dict:
        """JSON-ready (the frozen snapshot of a case)."""
        return {"key": self.key, "met": self.met, "data": _json_ready(self.data), "text": self.text}


def _json_ready(value):
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _category_suffix(category: str | None) -> str:
    if not category:
        return ""
    return _(" (courses: %(category)s)", category=str(COURSE_CATEGORIES.get(category, category)))


@dataclasses.dataclass(slots=True)
class Eligibility:
    officer_id: int
    employee_no: str
    name: str
    street_id: int
    on: dt.date
    tier_id: int
    tier_code: str
    tier_ordinal: int
    step: int
    tier_since: dt.date
    target_tier_id: int | None = None
    target_tier_code: str | None = None
    rule_id: int | None = None
    rule_version: int | None = None
    criteria: list[Criterion] = dataclasses.field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.rule_id is not None and all(criterion.met for criterion in self.criteria)

    @property
    def missing(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if not criterion.met]

    @property
    def tenure_reached_on(self) -> dt.date | None:
        """When every tenure criterion is met; None if there is none."""
        dates = [c.reached_on for c in self.criteria if c.reached_on is not None]
        return max(dates) if dates else None

    def tenure_by(self, day: dt.date) -> bool:
        """Every tenure criterion (years of service, years in tier) is reached by `day`."""
        if self.rule_id is None:
            return False
        return all(c.reached_on <= day for c in self.criteria if c.reached_on is not None)

    @property
    def missing_now(self) -> list[Criterion]:
        """What time alone will not bring: the unmet criteria other than tenure."""
        return [c for c in self.criteria if not c.met and c.reached_on is None]

    @property
    def tier_label(self) -> str:
        return str(TIER_LABELS.get(self.tier_code, self.tier_code))

    @property
    def target_label(self) -> str:
        return str(TIER_LABELS.get(self.target_tier_code, self.target_tier_code or ""))

    def snapshot(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "tier": self.tier_code,
            "step": self.step,
            "tier_since": self.tier_since.isoformat(),
            "target": self.target_tier_code,
            "rule_id": self.rule_id,
            "rule_version": self.rule_version,
            "eligible": self.eligible,
            "criteria": [criterion.as_dict() for criterion in self.criteria],
        }


# --- the engine --------------------------------------------------------------------------------


def rules_in_force(on: dt.date) -> dict[int, PromotionRuleSet]:
    """Target tier id → the rule set version valid on `on`."""
    rows = db.session.scalars(sa.select(PromotionRuleSet).where(PromotionRuleSet.valid_on(on))).all()
    return {rule.target_tier_id: rule for rule in rows}


def _plain(row) -> types.SimpleNamespace:
    """A detached copy of a mapped row: the engine reads rule fields once per officer, and plain
    attributes cost a fraction of instrumented ones at 20,000 officers."""
    return types.SimpleNamespace(
        **{column.key: getattr(row, column.key) for column in sa.inspect(row).mapper.column_attrs}
    )


@dataclasses.dataclass(slots=True)
class _Ladder:
    """The tiers and the rule sets in force on a date (plain copies, read once per evaluation)."""

    tiers: dict[int, types.SimpleNamespace]
    next_tier: dict[int, types.SimpleNamespace]  # tier id → the tier above it
    rules: dict[int, types.SimpleNamespace]  # target tier id → rule set

    @classmethod
    def on(cls, on: dt.date) -> _Ladder:
        tiers = {tier.id: _plain(tier) for tier in db.session.scalars(sa.select(Tier))}
        by_ordinal = {tier.ordinal: tier for tier in tiers.values()}
        next_tier = {tier.id: by_ordinal[tier.ordinal + 1] for tier in tiers.values() if tier.ordinal + 1 in by_ordinal}
        rules = {tier_id: _plain(rule) for tier_id, rule in rules_in_force(on).items()}
        return cls(tiers, next_tier, rules)

    def rule_after(self, tier_id: int):
        """The rule set for leaving tier `tier_id` upwards, or None (top tier, no rule in force)."""
        target = self.next_tier.get(tier_id)
        return self.rules.get(target.id) if target is not None else None


def _current_tiers(officer_condition, on: dt.date) -> sa.Select:
    """Officers matching the condition who hold a tier on `on`, with that tier, its step and since
    when they hold it without interruption (steps in the same tier do not restart the count)."""
    current = aliased(TierRecord)
    history = aliased(TierRecord)
    other_tier_end = sa.func.max(sa.case((history.tier_id != current.tier_id, history.effective_to)))
    return (
        sa.select(
            Officer.id.label("officer_id"),
            Officer.employee_no,
            Officer.name,
            Officer.street_id,
            Officer.hire_date,
            current.tier_id,
            current.step,
            sa.func.coalesce(other_tier_end, sa.func.min(history.effective_from)).label("since"),
        )
        .join(current, current.officer_id == Officer.id)
        .join(history, sa.and_(history.officer_id == Officer.id, history.effective_from <= current.effective_from))
        .where(
            officer_condition,
            current.effective_from <= on,
            sa.or_(current.effective_to.is_(None), current.effective_to > on),
        )
        .group_by(Officer.id, current.id)
    )


def evaluate(officer_condition, on: dt.date) -> dict[int, Eligibility]:
    """Eligibility for the next tier on `on` of every officer matching `officer_condition` (an SQL
    condition on Officer, e.g. the user's scope) who holds a tier on that date, with the evidence of
    every criterion. Lists of many officers use `shortlist` and evaluate only the rows they show."""
    ladder = _Ladder.on(on)
    connection = db.session.connection()
    rows = connection.execute(_current_tiers(officer_condition, on)).all()
    if not rows:
        return {}

    results: dict[int, Eligibility] = {}
    for row in rows:
        tier = ladder.tiers[row.tier_id]
        since = _as_date(row.since)
        item = Eligibility(
            officer_id=row.officer_id,
            employee_no=row.employee_no,
            name=row.name,
            street_id=row.street_id,
            on=on,
            tier_id=tier.id,
            tier_code=tier.code,
            tier_ordinal=tier.ordinal,
            step=row.step,
            tier_since=since,
        )
        target = ladder.next_tier.get(tier.id)
        if target is not None:
            item.target_tier_id, item.target_tier_code = target.id, target.code
            rule = ladder.rules.get(target.id)
            if rule is not None:
                item.rule_id, item.rule_version = rule.id, rule.version
                item.criteria = _tenure_criteria(rule, row.hire_date, since, tier.code, on)
        results[row.officer_id] = item

    used_rules = {item.rule_id: ladder.rules[item.target_tier_id] for item in results.values() if item.rule_id}
    officers_subquery = sa.select(Officer.id).where(officer_condition)
    _add_training_criteria(connection, results, used_rules, officers_subquery, on)
    _add_grade_criteria(connection, results, used_rules, officers_subquery, on)
    _add_integrity_criteria(connection, results, used_rules, officers_subquery, on)
    return results


def _as_date(value) -> dt.date | None:
    # Aggregates over dates may come back as strings on SQLite.
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _tenure_dates(rule, hire_date: dt.date, since: dt.date) -> list[dt.date]:
    """The dates the tenure criteria of `rule` are reached: years of service, years in tier, or,
    when either suffices, the earlier of the two as one criterion."""
    dates = []
    if rule.min_service_years is not None:
        dates.append(add_years(hire_date, rule.min_service_years))
    if rule.min_years_in_tier is not None:
        dates.append(add_years(since, rule.min_years_in_tier))
    dates = [min(dates)] if len(dates) == 2 and rule.tenure_either else dates
    if rule.min_months_in_tier:
        dates.append(add_months(since, rule.min_months_in_tier))
    return dates


def _tenure_criteria(rule, hire_date: dt.date, since: dt.date, tier_code: str, on: dt.date) -> list[Criterion]:
    parts = []
    if rule.min_service_years is not None:
        reached = add_years(hire_date, rule.min_service_years)
        data = {"years": rule.min_service_years, "since": hire_date, "reached_on": reached}
        parts.append(Criterion("service_years", reached <= on, data, reached))
    if rule.min_years_in_tier is not None:
        reached = add_years(since, rule.min_years_in_tier)
        data = {
            "years": rule.min_years_in_tier,
            "tier": tier_code,
            "since": since,
            "reached_on": reached,
        }
        parts.append(Criterion("tier_years", reached <= on, data, reached))
    if len(parts) == 2 and rule.tenure_either:
        first, second = parts
        reached = min(first.reached_on, second.reached_on)
        # Texts are rendered only when shown: building them for every officer would dominate the page.
        data = {"parts": [{"key": part.key, "met": part.met, "data": part.data} for part in parts]}
        parts = [Criterion("tenure", first.met or second.met, data, reached)]
    if rule.min_months_in_tier:
        # Time in the tier itself (probation lasts 3–6 months), required whatever else applies.
        reached = add_months(since, rule.min_months_in_tier)
        data = {"months": rule.min_months_in_tier, "tier": tier_code, "since": since, "reached_on": reached}
        parts.append(Criterion("tier_months", reached <= on, data, reached))
    return parts


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


def _add_training_criteria(connection, results, rules, officers_subquery, on: dt.date) -> None:
    aggregate = _training_aggregate(rules.values(), officers_subquery, on)
    if aggregate is None:
        return
    statement, hour_index, exam_index = aggregate
    aggregates = {row[0]: row for row in connection.execute(statement)}
    empty = (None,) * (1 + len(hour_index) + len(exam_index))
    for item in results.values():
        rule = rules.get(item.rule_id)
        if rule is None:
            continue
        values = aggregates.get(item.officer_id, empty)
        if rule.training_hours is not None:
            hours = decimal.Decimal(values[hour_index[_hour_spec(rule)]] or 0)
            data = {
                "hours": str(hours),
                "required": str(rule.training_hours),
                "months": rule.training_window_months,
                "category": rule.course_category,
            }
            item.criteria.append(Criterion("training_hours", hours >= rule.training_hours, data))
        if rule.exam_required:
            score = values[exam_index[_exam_spec(rule)]]
            data = {
                "score": str(score) if score is not None else None,
                "min_score": rule.exam_min_score or 0,
                "months": rule.exam_window_months,
                "category": rule.course_category,
            }
            item.criteria.append(Criterion("exam", score is not None, data))


def _add_grade_criteria(connection, results, rules, officers_subquery, on: dt.date) -> None:
    aggregate = _grade_aggregate(rules.values(), officers_subquery, on)
    if aggregate is None:
        return
    statement, index = aggregate
    counts = {row[0]: row for row in connection.execute(statement)}
    empty = (0,) * (1 + len(index))
    for item in results.values():
        rule = rules.get(item.rule_id)
        if rule is None or not (rule.grade_min and rule.grade_years):
            continue
        count = counts.get(item.officer_id, empty)[index[_grade_spec(rule)]]
        required = rule.grade_min_count or rule.grade_years
        data = {"count": count, "years": rule.grade_years, "grade": rule.grade_min, "required": required}
        item.criteria.append(Criterion("grades", count >= required, data))


def _add_integrity_criteria(connection, results, rules, officers_subquery, on: dt.date) -> None:
    aggregate = _integrity_aggregate(rules.values(), officers_subquery, on)
    if aggregate is None:
        return
    statement, index = aggregate
    counts = {row[0]: row for row in connection.execute(statement)} if statement is not None else {}
    empty = (0,) * (1 + len(index))
    for item in results.values():
        rule = rules.get(item.rule_id)
        if rule is None or not rule.integrity_severity:
            continue
        count = counts.get(item.officer_id, empty)[index[_integrity_spec(rule)]]
        data = {"count": count, "severity": rule.integrity_severity, "months": rule.integrity_months}
        item.criteria.append(Criterion("integrity", count == 0, data))


def eligibility_of(officer_id: int, on: dt.date) -> Eligibility | None:
    return evaluate(Officer.id == officer_id, on).get(officer_id)


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
