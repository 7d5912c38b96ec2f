"""The officer directory at district scale (20,000 officers) as an unscoped HR clerk.

Target: median server time under 50 ms per page on SQLite for every scenario, and the same number
of SQL statements whatever the page size (no N+1).
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlalchemy import event

from bench.data import bench_app, login, time_requests
from hrapp.extensions import db
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Community, Grid, Street

OFFICERS = 20_000
REPEAT = 100
TARGET_MEDIAN_MS = 50.0
PAGE_SIZES = (10, 50, 200)


@contextlib.contextmanager
def counted_statements(engine):
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def _scenarios() -> list[tuple[str, str]]:
    """Real values from the database, so each search and filter returns rows."""
    sample = db.session.execute(
        sa.select(Officer.name, Officer.id_number).order_by(Officer.employee_no).offset(OFFICERS // 2).limit(1)
    ).one()
    street_id = db.session.scalar(sa.select(Street.id).order_by(Street.code).limit(1))
    community_id = db.session.scalar(
        sa.select(Community.id)
        .join(Grid, Grid.community_id == Community.id)
        .join(Posting, Posting.grid_id == Grid.id)
        .group_by(Community.id)
        .order_by(sa.func.count().desc())
        .limit(1)
    )
    return [
        ("page 1", "/officers/"),
        ("page 200", "/officers/?page=200"),
        ("name search", f"/officers/?q={sample.name}"),
        ("ID-suffix search", f"/officers/?q={sample.id_number[-4:]}"),
        ("street filter", f"/officers/?street_id={street_id}"),
        ("community filter", f"/officers/?community_id={community_id}"),
    ]


def run() -> list[str]:
    app = bench_app(OFFICERS)
    with app.app_context():
        scenarios = _scenarios()
        engine = db.engine
    # Requests run outside that context, as in production: each gets a fresh session, so the
    # identity map does not carry loaded rows from one request to the next.
    client = app.test_client()
    login(client, "hr")
    lines: list[str] = []
    failures: list[str] = []
    for label, url in scenarios:
        result = time_requests(client, url, repeat=REPEAT)
        lines.append(
            f"directory {label}: median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms (n={result['n']})"
        )
        if result["median_ms"] >= TARGET_MEDIAN_MS:
            failures.append(f"{label} median {result['median_ms']:.1f} ms")
    counts = {}
    for per_page in PAGE_SIZES:
        with counted_statements(engine) as statements:
            response = client.get(f"/officers/?per_page={per_page}")
        assert response.status_code == 200 and response.data.count(b'href="/officers/') >= per_page
        counts[per_page] = len(statements)
    lines.append("directory SQL statements per page: " + ", ".join(f"per_page={n}: {c}" for n, c in counts.items()))
    if len(set(counts.values())) != 1:
        failures.append("query count grows with the page size")
    if failures:
        lines.append("FAIL " + "; ".join(failures))
    else:
        lines.append(f"PASS (median < {TARGET_MEDIAN_MS:.0f} ms on every scenario, constant query count)")
    return lines
