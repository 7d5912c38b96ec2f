"""Pay at district scale (20,000 officers) on SQLite.

Targets: the roster of one month computed set-based in SQL under 2 s, and the funding actuals of a
year (closed months from stored lines, open months computed, adjustments) under 3 s. The number of
SQL statements must not depend on the head count (no query per officer).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

import sqlalchemy as sa

from bench.bench_directory import counted_statements
from bench.data import bench_app
from hrapp.auth.models import User
from hrapp.core.db import today
from hrapp.extensions import db
from hrapp.pay import calc, queries

OFFICERS = 20_000
REPEAT = 5
ROSTER_TARGET_S = 2.0
FUNDING_TARGET_S = 3.0


_cpu: list[float] = []


def _timed(action, repeat: int = REPEAT) -> tuple[float, object, int]:
    """Median wall seconds over `repeat` runs (after a warm-up), the last result, statements per
    run. The median CPU seconds of the process (SQLite runs in it) go to `_cpu[-1]`: on a shared
    machine they say more than the wall clock."""
    action()
    samples, cpu, result = [], [], None
    with counted_statements(db.engine) as statements:
        result = action()
        count = len(statements)
    for _ in range(repeat):
        db.session.expire_all()
        started, started_cpu = time.perf_counter(), time.process_time()
        result = action()
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    _cpu.append(statistics.median(cpu))
    return statistics.median(samples), result, count


def run() -> list[str]:
    app = bench_app(OFFICERS)
    lines, failures = [], []
    with app.app_context():
        month = calc.month_start(today())
        hr = db.session.scalar(sa.select(User).where(User.username == "hr"))  # an unscoped HR clerk
        last_year = month.year - 1
        closed = db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("pay_months")))

        seconds, roster, count = _timed(lambda: queries.computed_roster(month, sa.true(), with_adjustments=False))
        lines.append(
            f"roster {month:%Y-%m} ({len(roster)} officers, computed): median {seconds:.2f} s"
            f" (CPU {_cpu[-1]:.2f} s), {count} SQL statements"
        )
        if seconds >= ROSTER_TARGET_S:
            failures.append(f"roster {seconds:.2f} s")

        seconds, roster, count = _timed(lambda: queries.computed_roster(month, sa.true()), repeat=3)
        adjusted = sum(1 for line in roster if line.adjustment)
        lines.append(
            f"roster {month:%Y-%m} with the adjustments of {closed} closed months ({adjusted} adjusted):"
            f" median {seconds:.2f} s (CPU {_cpu[-1]:.2f} s), {count} SQL statements"
        )

        for year in (last_year, month.year):
            seconds, cost, count = _timed(lambda y=year: queries.actual_cost_by_street(y, sa.true()), repeat=3)
            total = sum(cost.values())
            lines.append(
                f"funding actuals {year} (¥{total:,.2f} over {len(cost)} streets): median {seconds:.2f} s"
                f" (CPU {_cpu[-1]:.2f} s), {count} SQL statements"
            )
            if seconds >= FUNDING_TARGET_S:
                failures.append(f"funding actuals {year} {seconds:.2f} s")

        seconds, result, count = _timed(
            lambda: queries.what_if(hr, on=today(), scale=calc.ScaleChoice(percent=Decimal(5))), repeat=3
        )
        lines.append(
            f"what-if +5 % ({len(result.per_officer)} officers, ¥{result.total_proposed:,.2f}): median {seconds:.2f} s"
            f" (CPU {_cpu[-1]:.2f} s), {count} SQL statements"
        )
        one_month_ago = (month - dt.timedelta(days=1)).replace(day=1)
        seconds, stored, count = _timed(lambda: queries.roster(hr, one_month_ago))
        lines.append(
            f"closed roster {one_month_ago:%Y-%m} read back ({len(stored.lines)} lines): median {seconds:.2f} s (CPU {_cpu[-1]:.2f} s)"
        )
    if failures:
        lines.append("FAIL " + "; ".join(failures))
    else:
        lines.append(f"PASS (roster < {ROSTER_TARGET_S:.0f} s, funding actuals < {FUNDING_TARGET_S:.0f} s)")
    return lines
