"""The promotion candidates page at city scale (20,000 officers): eligibility for the next tier of
every officer in view, computed with a fixed number of set-based queries.

Target: median and p95 server time under 1000 ms on SQLite in every scenario: a street's page (as a
district HR clerk and as a street-scoped one) and the whole district at once ("all streets"), both
lists. The number of SQL statements must not depend on the number of officers.
"""

from __future__ import annotations

import contextlib
import random

import sqlalchemy as sa
from sqlalchemy import event

from bench.data import bench_app, login, time_requests
from hrapp.certification.models import Tier
from hrapp.core.audit import reset_actor, set_actor
from hrapp.core.db import today
from hrapp.extensions import db
from hrapp.org.models import Street

OFFICERS = 20_000
REPEAT = 20
TARGET_MS = 1000.0


@contextlib.contextmanager
def counted_statements():
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


def _ensure_certification_data() -> None:
    """A scale database built before certification existed lacks its rows: add them once with the
    same seed step the demo uses."""
    if db.session.scalar(sa.select(sa.func.count(Tier.id))):
        return
    from hrapp.certification.seed import seed_certification

    token = set_actor(None, "bench")
    try:
        seed_certification(random.Random(38), today())
        db.session.commit()
    finally:
        reset_actor(token)


def run() -> list[str]:
    app = bench_app(OFFICERS)
    lines: list[str] = []
    failures: list[str] = []
    with app.app_context():
        _ensure_certification_data()
        street_id = db.session.scalar(sa.select(Street.id).where(Street.code == "FT03"))
        scenarios = [
            ("hr", "one street", f"/certification/candidates?street_id={street_id}"),
            ("hr", "one street, near-misses", f"/certification/candidates?street_id={street_id}&view=upcoming"),
            ("hr_futian", "street-scoped clerk", "/certification/candidates"),
            ("hr", "whole district", "/certification/candidates?street_id="),
            ("hr", "whole district, near-misses", "/certification/candidates?street_id=&view=upcoming"),
            ("hr", "whole district, near-misses page 50", "/certification/candidates?street_id=&view=upcoming&page=50"),
        ]
        counts = {}
        for username, label, url in scenarios:
            client = app.test_client()
            login(client, username)
            result = time_requests(client, url, repeat=REPEAT)
            with counted_statements() as statements:
                body = client.get(url).get_data(as_text=True)
            counts[label] = len(statements)
            eligible = body.split('data-testid="eligible-count">')[1].split("<")[0]
            upcoming = body.split('data-testid="upcoming-count">')[1].split("<")[0]
            lines.append(
                f"candidates {label}: median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms "
                f"(n={result['n']}; {len(statements)} SQL statements; {eligible} eligible, {upcoming} near-misses)"
            )
            if result["median_ms"] >= TARGET_MS or result["p95_ms"] >= TARGET_MS:
                failures.append(f"{label} median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms")
        if len(set(counts.values())) != 1:
            lines.append(
                "note: statement counts differ by scenario: " + ", ".join(f"{k}: {v}" for k, v in counts.items())
            )
        if max(counts.values()) > 20:
            failures.append("more than 20 SQL statements: per-officer queries?")
    lines.append(
        "FAIL " + "; ".join(failures)
        if failures
        else f"PASS (median and p95 < {TARGET_MS:.0f} ms, {max(counts.values())} SQL statements at most)"
    )
    return lines
