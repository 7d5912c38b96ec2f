"""The officer directory at the profile's scale (city: 20,000 officers) as an unscoped HR clerk.

Targets: each scenario's page within 3× its own SQL statements replayed raw (median and p95), a
median under 50 ms, and the same number of SQL statements whatever the page size (no N+1).
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlalchemy import event

from bench.data import bench_app, login
from bench.pages import page_figures
from bench.results import Figure
from hrapp.extensions import db
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Community, Grid, Street

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
    officers = db.session.scalar(sa.select(sa.func.count(Officer.id)))
    sample = db.session.execute(
        sa.select(Officer.name, Officer.id_number).order_by(Officer.employee_no).offset(officers // 2).limit(1)
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
        ("page 200", "/officers/?page=200" if officers > 10_000 else "/officers/?page=2"),
        ("name search", f"/officers/?q={sample.name}"),
        ("ID-suffix search", f"/officers/?q={sample.id_number[-4:]}"),
        ("street filter", f"/officers/?street_id={street_id}"),
        ("community filter", f"/officers/?community_id={community_id}"),
    ]


def run() -> list:
    app = bench_app()
    with app.app_context():
        scenarios = _scenarios()
        engine = db.engine
        officers = db.session.scalar(sa.select(sa.func.count(Officer.id)))
    # Requests run outside that context, as in production: each gets a fresh session, so the
    # identity map does not carry loaded rows from one request to the next.
    client = app.test_client()
    login(client, "hr")
    results: list = []
    for label, url in scenarios:
        results += page_figures(client, engine, f"directory {label}", url, repeat=REPEAT, limit_ms=TARGET_MEDIAN_MS)
    counts = {}
    for per_page in PAGE_SIZES:
        with counted_statements(engine) as statements:
            response = client.get(f"/officers/?per_page={per_page}")
        assert response.status_code == 200 and response.data.count(b'href="/officers/') >= min(per_page, officers)
        counts[per_page] = len(statements)
    results.append(
        Figure(
            "directory SQL statements per page (largest ÷ smallest page size)",
            max(counts.values()),
            "statements",
            floor=min(counts.values()),
            max_ratio=1,
            detail=", ".join(f"per_page={n}: {c}" for n, c in counts.items()),
        )
    )
    return results
