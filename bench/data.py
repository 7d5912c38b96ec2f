"""The scale database for benchmarks: a SQLite file built once per size with the demo seed
(`flask seed demo --officers N` logic), then reused by every benchmark."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from hrapp import create_app
from hrapp.core.audit import reset_actor, set_actor
from hrapp.extensions import db

OUT = Path(__file__).resolve().parent / "out"


def bench_app(officers: int = 20_000):
    """An app over a SQLite database seeded with `officers` officers (built on first use)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"district-{officers}.sqlite"
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
