"""Pay at the profile's scale (city: 20,000 officers) on SQLite: the batches beside their floor.

Targets: the roster of one month computed set-based in SQL under 2 s, and the funding actuals of a
year (closed months from stored lines, open months computed, adjustments) under 3 s; each within
2× of its own SQL statements replayed raw on the same connection (bench/pages.py); and a number
of SQL statements that does not depend on the head count (no query per officer).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from bench.data import bench_app
from bench.pages import batch_figure
from bench.results import Figure
from hrapp.auth.models import User
from hrapp.core.db import today
from hrapp.extensions import db
from hrapp.pay import calc, queries
from hrapp.pay.models import PayMonth

ROSTER_TARGET_S = 2.0
FUNDING_TARGET_S = 3.0
MAX_STATEMENTS = 12


def run() -> list:
    app = bench_app()
    results: list = []
    with app.app_context():
        engine = db.engine
        month = calc.month_start(today())
        hr = db.session.scalar(sa.select(User).where(User.username == "hr"))  # an unscoped HR clerk
        closed = db.session.scalar(sa.select(sa.func.count(PayMonth.month)))

        results.append(
            batch_figure(
                f"pay roster {month:%Y-%m} computed",
                lambda: queries.computed_roster(month, sa.true(), with_adjustments=False),
                engine,
                limit_s=ROSTER_TARGET_S,
            )
        )
        results.append(
            batch_figure(
                f"pay roster {month:%Y-%m} with the adjustments of {closed} closed months",
                lambda: queries.computed_roster(month, sa.true()),
                engine,
                limit_s=ROSTER_TARGET_S,
            )
        )
        for year in (month.year - 1, month.year):
            results.append(
                batch_figure(
                    f"funding actuals {year}",
                    lambda y=year: queries.actual_cost_by_street(y, sa.true()),
                    engine,
                    limit_s=FUNDING_TARGET_S,
                )
            )
        results.append(
            batch_figure(
                "pay what-if +5 %",
                lambda: queries.what_if(hr, on=today(), scale=calc.ScaleChoice(percent=Decimal(5))).per_officer,
                engine,
            )
        )
        previous = (month - dt.timedelta(days=1)).replace(day=1)
        results.append(
            batch_figure(
                f"closed roster {previous:%Y-%m} read back",
                lambda: queries.roster(hr, previous).lines,
                engine,
            )
        )
        counts = [int(figure.detail.split(" statements")[0]) for figure in results if isinstance(figure, Figure)]
        results.append(
            Figure("pay SQL statements, most of any batch", max(counts), "statements", limit=MAX_STATEMENTS + 1)
        )
    return results
