"""Risk-based draws of the officers to check next.

Part of each draw is purely random (deterrence: anyone may be checked); the rest is weighted by
risk. An officer's weight is

    1 + months since their last check / 6 (24 if never checked, capped at 24)
      + 1.5 × the severities of their findings in force over the last 36 months
      + 2 × their appeals decided 维持 (upheld)
      + 5 × each registered signal (0…1)

Signals come from later domains: workload does not exist yet, so `register_risk_signal_source(name,
fn)` lets it add anomaly scores (fn(officer_ids, on) -> {officer_id: score in [0, 1]}) without
integrity ever importing it. The draw stores its seed, pool and weights: `replay(draw)` picks the
same targets again, which is how anyone can verify it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.core.dates import add_months
from hrapp.core.permissions import can_see_open_checks
from hrapp.errors import DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.integrity.models import Appeal, Check, Draw, Finding, finding_officers
from hrapp.integrity.queries import current_finding
from hrapp.officers.models import Officer

RISK_SIGNAL_SOURCES: dict[str, Callable[[list[int], dt.date], dict[int, float]]] = {}
MONTHS_CAP = 24
FINDINGS_MONTHS = 36


def register_risk_signal_source(name: str, source: Callable | None) -> None:
    """Called by a later domain (workload anomalies); None unregisters."""
    if source is None:
        RISK_SIGNAL_SOURCES.pop(name, None)
    else:
        RISK_SIGNAL_SOURCES[name] = source


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


def risk_factors(officer_ids: list[int], on: dt.date) -> dict[int, dict]:
    """Per officer: the factors and the weight they make (three GROUP BY statements)."""
    if not officer_ids:
        return {}
    last_checked = dict(
        db.session.execute(
            sa.select(Check.target_officer_id, sa.func.max(Check.started_at))
            .where(Check.target_officer_id.in_(officer_ids), Check.status != "draft", Check.started_at.isnot(None))
            .group_by(Check.target_officer_id)
        ).all()
    )
    severity = dict(
        db.session.execute(
            sa.select(finding_officers.c.officer_id, sa.func.sum(Finding.severity))
            .join(Finding, Finding.id == finding_officers.c.finding_id)
            .join(Check, Check.id == Finding.check_id)
            .where(
                finding_officers.c.officer_id.in_(officer_ids),
                current_finding(),
                Check.status != "draft",
                Finding.found_on > add_months(on, -FINDINGS_MONTHS),
                Finding.found_on <= on,
            )
            .group_by(finding_officers.c.officer_id)
        ).all()
    )
    upheld = dict(
        db.session.execute(
            sa.select(Appeal.officer_id, sa.func.count())
            .where(Appeal.officer_id.in_(officer_ids), Appeal.outcome == "upheld")
            .group_by(Appeal.officer_id)
        ).all()
    )
    signals = {name: source(officer_ids, on) or {} for name, source in sorted(RISK_SIGNAL_SOURCES.items())}
    factors = {}
    for officer_id in officer_ids:
        last = last_checked.get(officer_id)
        months = MONTHS_CAP if last is None else min(MONTHS_CAP, max(0, _months_between(last.date(), on)))
        found = int(severity.get(officer_id) or 0)
        appeals = int(upheld.get(officer_id) or 0)
        own_signals = {name: float(values.get(officer_id, 0.0)) for name, values in signals.items()}
        weight = (
            1 + months / 6 + 1.5 * found + 2 * appeals + 5 * sum(min(max(s, 0.0), 1.0) for s in own_signals.values())
        )
        factors[officer_id] = {
            "weight": round(weight, 4),
            "months": months,
            "findings": found,
            "upheld": appeals,
            "signals": own_signals,
        }
    return factors


def pick(pool: list[int], weights: dict[int, float], seed: int, random_count: int, weighted_count: int) -> list[dict]:
    """The targets: `random_count` drawn uniformly, then `weighted_count` of the rest drawn with
    probability by weight (weighted sampling without replacement: key u^(1/w), largest first)."""
    rng = random.Random(seed)
    ordered = sorted(pool)
    chosen = rng.sample(ordered, min(random_count, len(ordered)))
    taken = set(chosen)
    rest = [officer_id for officer_id in ordered if officer_id not in taken]
    keys = {officer_id: rng.random() ** (1.0 / max(weights[officer_id], 1e-9)) for officer_id in rest}
    weighted = sorted(rest, key=lambda officer_id: (-keys[officer_id], officer_id))[:weighted_count]
    return [{"officer_id": i, "how": "random"} for i in chosen] + [
        {"officer_id": i, "how": "weighted"} for i in weighted
    ]


def run_draw(values: dict, acting) -> Draw:
    """Draw targets for a period among the officers on duty (of one street, if given)."""
    if acting is not None and not can_see_open_checks(acting):
        raise PermissionDenied(_("Only inspectors and administrators do this."))
    start, end = values["period_start"], values["period_end"]
    if end < start:
        raise DomainError(_("The period ends before it starts."), field="period_end")
    random_count, weighted_count = values.get("random_count") or 0, values.get("weighted_count") or 0
    if random_count < 0 or weighted_count < 0 or random_count + weighted_count == 0:
        raise DomainError(_("Draw at least one target."), field="random_count")
    query = sa.select(Officer.id).where(Officer.status == "active").order_by(Officer.id)
    if values.get("street_id"):
        query = query.where(Officer.street_id == values["street_id"])
    pool = list(db.session.scalars(query))
    if not pool:
        raise DomainError(_("No officer on duty to draw from."), field="street_id")
    seed = values.get("seed")
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    factors = risk_factors(pool, start)
    weights = {officer_id: factors[officer_id]["weight"] for officer_id in pool}
    draw = Draw(
        period_start=start,
        period_end=end,
        seed=seed,
        random_count=random_count,
        weighted_count=weighted_count,
        street_id=values.get("street_id") or None,
        pool=pool,
        weights={str(officer_id): data for officer_id, data in factors.items()},
        picks=pick(pool, weights, seed, random_count, weighted_count),
        run_by_id=acting.id if acting is not None else None,
    )
    db.session.add(draw)
    db.session.flush()
    return draw


def replay(draw: Draw) -> list[dict]:
    """The targets the stored seed, pool and weights give: equal to `draw.picks` unless tampered."""
    weights = {int(key): float(data["weight"]) for key, data in draw.weights.items()}
    return pick(list(draw.pool), weights, draw.seed, draw.random_count, draw.weighted_count)
