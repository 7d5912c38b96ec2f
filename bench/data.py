"""The scale database for benchmarks: a SQLite file built once per size with the demo seed
(`flask seed demo --officers N` logic), then reused by every benchmark."""

from __future__ import annotations

import hashlib
import os
import statistics
import time
from pathlib import Path

from hrapp import create_app
from hrapp.core.audit import reset_actor, set_actor
from hrapp.extensions import db

OUT = Path(__file__).resolve().parent / "out"


def schema_fingerprint() -> str:
    """Short hash of every table's columns and indexes and the registered seed steps: a database
    built before a domain added a table, a column, an index or demo data is not silently reused."""
    from hrapp.seed.demo import STEPS

    create_app({"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})  # imports every domain

    tables = [
        (t.name, [(c.name, str(c.type)) for c in t.columns], sorted(i.name for i in t.indexes))
        for t in db.metadata.sorted_tables
    ]
    steps = [f"{step.__module__}.{step.__qualname__}" for step in STEPS]
    return hashlib.sha256(repr((tables, steps)).encode()).hexdigest()[:10]


def bench_app(officers: int = 20_000):
    """An app over a SQLite database seeded with `officers` officers (built on first use)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"district-{officers}-{schema_fingerprint()}.sqlite"
    for stale in OUT.glob(f"district-{officers}-*.sqlite*"):
        if not stale.name.startswith(path.name):
            stale.unlink()
    app = create_app(
        {
            "CONFIG": "development",
            "SQLALCHEMY_DATABASE_URI": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{path}"),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        from hrapp.seed.demo import database_is_empty, seed_demo

        db.create_all()
        if database_is_empty():
            started = time.perf_counter()
            token = set_actor(None, "bench")
            seed_demo(officers=officers, password="bench-password")
            db.session.commit()
            reset_actor(token)
            print(f"  built {path.name} in {time.perf_counter() - started:.1f} s")
    return app


def login(client, username: str, password: str = "bench-password") -> None:
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, f"bench login as {username} failed"


def time_requests(client, url: str, repeat: int = 50) -> dict:
    """Median and p95 server time (ms) of GET url, after one warm-up request."""
    assert client.get(url).status_code == 200
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "n": repeat,
    }
