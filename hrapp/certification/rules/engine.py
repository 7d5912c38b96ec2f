"""The eligibility engine proper: the rules in force, each officer's current tier and tenure, and
`evaluate` / `eligibility_of`, which combine the evidence aggregates into criteria."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import types

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from hrapp.certification.models import PromotionRuleSet, Tier, TierRecord
from hrapp.certification.rules.criteria import Criterion, Eligibility
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
from hrapp.officers.models import Officer

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


# Built once: SQLAlchemy memoizes an alias's adapted columns, which fresh aliases per call rebuild
# on every officer page (its tier panel evaluates eligibility). A statement uses them once.
_TIER_ALIASES = (aliased(TierRecord), aliased(TierRecord))


def _current_tiers(officer_condition, on: dt.date) -> sa.Select:
    """Officers matching the condition who hold a tier on `on`, with that tier, its step and since
    when they hold it without interruption (steps in the same tier do not restart the count)."""
    current, history = _TIER_ALIASES
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
