"""The scale database for benchmarks: built once per profile by bench/generate.py (a SQLite file
under bench/out, or BENCH_DATABASE_URL), then reused by every benchmark."""

from __future__ import annotations

import hashlib
import json
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


def build_seconds(profile: str, seed: int = 38) -> float | None:
    """How long the cached database of `profile` took to generate (None if not recorded)."""
    _url, path = _database_url(profile, seed)
    try:
        return json.loads(path.with_suffix(".json").read_text())["seconds"] if path else None
    except (OSError, ValueError, KeyError):
        return None


def current_profile() -> str:
    """The profile benchmarks run at: BENCH_PROFILE (set by `python -m bench --profile`), else city."""
    return os.environ.get("BENCH_PROFILE", "city")


def _database_url(profile: str, seed: int) -> tuple[str, Path | None]:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url, None
    path = OUT / f"{profile}-{seed}-{schema_fingerprint()}.sqlite"
    return f"sqlite:///{path}", path


def _app(url: str):
    return create_app(
        {
            "CONFIG": "development",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            # Issued assessment PDFs and evidence files of the benchmark data stay beside it.
            "REPORTS_DIR": str(OUT / "reports"),
            "EVIDENCE_DIR": str(OUT / "evidence"),
        }
    )


def build_database(profile: str, seed: int = 38, on=None, url: str | None = None) -> str:
    """The URL of a database at `profile`'s size, generated (bench/generate.py) unless it exists.
    Without a URL, a SQLite file under bench/out named by profile, seed and schema fingerprint:
    it is built under a temporary name and renamed when complete, and stale files are removed."""
    from bench.generate import PROFILES, generate

    path = None
    if url is None:
        url, path = _database_url(profile, seed)
    if path is not None:
        OUT.mkdir(exist_ok=True)
        if path.exists():
            return url
        for stale in [*OUT.glob(f"{profile}-{seed}-*.sqlite*"), *OUT.glob(f"{profile}-{seed}-*.json")]:
            stale.unlink()
        building = path.with_suffix(".building")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        app = _app(f"sqlite:///{building}")
    else:
        app = _app(url)
    with app.app_context():
        from hrapp.seed.demo import database_is_empty

        db.create_all()
        if database_is_empty():
            started = time.perf_counter()
            token = set_actor(None, "bench")
            try:
                generate(PROFILES[profile], seed=seed, on=on)
            finally:
                reset_actor(token)
            seconds = time.perf_counter() - started
            print(f"  built the {profile} database in {seconds:.1f} s", flush=True)
            if path is not None:
                path.with_suffix(".json").write_text(json.dumps({"profile": profile, "seconds": round(seconds, 1)}))
        db.session.remove()
        db.engine.dispose()
    if path is not None:
        building.rename(path)
    return url


def bench_app(profile: str | int | None = None):
    """An app over the benchmark database of `profile` (default: current_profile()), built on
    first use. An officer count (older callers) means the current profile."""
    if not isinstance(profile, str):
        profile = current_profile()
    return _app(build_database(profile))


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
