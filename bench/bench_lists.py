"""The other list pages at the profile's scale, each beside its own SQL statements replayed raw
(bench/pages.py): the pay roster (the open month computed, a closed month read back), the
workload dashboard (the district's streets, one street's grids) and the integrity check list (as
an inspector and as an HR clerk).

Target: every page within 3× of its bare SQL, median and p95. The pay roster page also keeps the
pay issue's absolute target (the month computed under 2 s).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bench.data import bench_app, login
from bench.pages import page_figures
from hrapp.core.db import today
from hrapp.extensions import db
from hrapp.org.models import Street
from hrapp.pay import calc

REPEAT = 30
ROSTER_LIMIT_MS = 2000.0


def run() -> list:
    app = bench_app()
    with app.app_context():
        engine = db.engine
        street_id = db.session.scalar(sa.select(Street.id).where(Street.code == "FT03"))
    month = calc.month_start(today())
    closed = (month - dt.timedelta(days=1)).replace(day=1)
    scenarios = [
        ("hr", "pay roster, open month", f"/pay/?month={month:%Y-%m}", REPEAT, ROSTER_LIMIT_MS),
        ("hr", "pay roster, closed month", f"/pay/?month={closed:%Y-%m}", REPEAT, ROSTER_LIMIT_MS),
        ("hr", "pay roster, one street", f"/pay/?month={month:%Y-%m}&street_id={street_id}", REPEAT, None),
        ("hr", "workload streets", "/workload/", REPEAT, None),
        ("hr", "workload one street's grids", f"/workload/?street={street_id}", REPEAT, None),
        ("inspector", "integrity checks (inspector)", "/integrity/checks", REPEAT, None),
        ("inspector", "integrity checks page 20", "/integrity/checks?page=20", REPEAT, None),
        ("hr", "integrity checks (HR, closed results)", "/integrity/checks", REPEAT, None),
    ]
    results: list = []
    clients = {}
    for username, label, url, repeat, limit in scenarios:
        if username not in clients:
            clients[username] = app.test_client()
            login(clients[username], username)
        results += page_figures(clients[username], engine, label, url, repeat=repeat, limit_ms=limit)
    return results
