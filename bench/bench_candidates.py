"""The promotion candidates page at the profile's scale (city: 20,000 officers): eligibility for the
next tier of every officer in view, computed with a fixed number of set-based queries.

Targets: in every scenario (a street's page as a district HR clerk and as a street-scoped one, the
whole district at once, both lists) the page within 3× its own SQL statements replayed raw, and a
median under 1000 ms on SQLite. The number of SQL statements must not depend on the number of
officers (at most 20). The batch behind it, eligibility of every officer with the evidence of each
criterion, within 2× of its own statements replayed raw (and under 10 s).
"""

from __future__ import annotations

import random

import sqlalchemy as sa

from bench.data import bench_app, login
from bench.pages import batch_figure, captured_statements, page_figures
from bench.results import Figure
from hrapp.certification.models import Tier
from hrapp.certification.rules import engine as rules_engine
from hrapp.core.audit import reset_actor, set_actor
from hrapp.core.db import today
from hrapp.extensions import db
from hrapp.org.models import Street

REPEAT = 20
TARGET_MS = 1000.0
ELIGIBILITY_TARGET_S = 10.0


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


def run() -> list:
    app = bench_app()
    results: list = []
    with app.app_context():
        _ensure_certification_data()
        street_id = db.session.scalar(sa.select(Street.id).where(Street.code == "FT03"))
        engine = db.engine
        on = today()
        results.append(
            batch_figure(
                "eligibility of every officer (evaluate)",
                lambda: rules_engine.evaluate(sa.true(), on),
                engine,
                limit_s=ELIGIBILITY_TARGET_S,
            )
        )
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
        with captured_statements(engine) as statements:
            body = client.get(url).get_data(as_text=True)
        counts[label] = len(statements)
        eligible = body.split('data-testid="eligible-count">')[1].split("<")[0]
        upcoming = body.split('data-testid="upcoming-count">')[1].split("<")[0]
        results += page_figures(
            client,
            engine,
            f"candidates {label}",
            url,
            repeat=REPEAT,
            limit_ms=TARGET_MS,
            detail=f"{eligible} eligible, {upcoming} near-misses",
        )
    if len(set(counts.values())) != 1:
        results.append(
            "note: statement counts differ by scenario: " + ", ".join(f"{k}: {v}" for k, v in counts.items())
        )
    results.append(
        Figure("candidates SQL statements, most of any scenario", max(counts.values()), "statements", limit=21)
    )
    return results
