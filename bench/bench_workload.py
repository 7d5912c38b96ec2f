"""Cases at city scale: the staged import and the per-officer measures (SQLite; PostgreSQL when
BENCH_PG_URL names an empty or previously benchmarked database).

Targets: importing 1,000,000 cases from CSV at ≥ 50,000 rows/s with peak memory under 300 MB;
a quarter's per-officer measures for 20,000 officers over 2,000,000 cases in under 3 s. Each
figure comes with its bare floor measured in the same run: the same rows through a plain
executemany into an identical table, and the bare GROUP BY over the quarter.

BENCH_WORKLOAD_ROWS changes the file size (default 1,000,000 per quarter; two quarters are imported).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench.data import OUT, bench_app
from hrapp.extensions import db

OFFICERS = 20_000
ROWS = int(os.environ.get("BENCH_WORKLOAD_ROWS", "1000000"))
TARGET_ROWS_PER_S = 50_000
TARGET_PEAK_MB = 300
TARGET_MEASURES_S = 3.0
QUARTERS = [("Q1", dt.date(2026, 1, 1), 90), ("Q2", dt.date(2026, 4, 1), 91)]
ROOT = Path(__file__).resolve().parent.parent


def _postings(app) -> list[tuple[str, str]]:
    from hrapp.officers.models import Officer, Posting
    from hrapp.org.models import Grid

    with app.app_context():
        return [
            (grid, employee_no)
            for grid, employee_no in db.session.execute(
                sa.select(Grid.code, Officer.employee_no)
                .join(Posting, Posting.grid_id == Grid.id)
                .join(Officer, Officer.id == Posting.officer_id)
                .where(Posting.is_primary.is_(True), Posting.effective_to.is_(None))
                .order_by(Officer.employee_no)
            )
        ]


def _case_file(postings, name: str, start: dt.date, days: int) -> Path:
    from hrapp.workload.generator import generate_cases, write_csv

    path = OUT / f"cases-{name}-{ROWS}.csv"
    if not path.exists():
        started = time.perf_counter()
        write_csv(path, generate_cases(postings, ROWS, start, days, seed=len(name) + start.month, prefix=name))
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def _import(url: str, path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.workload_import", url, str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _import_line(label: str, figures: dict) -> str:
    rate = figures["rows"] / figures["seconds"]
    ok = rate >= TARGET_ROWS_PER_S and figures["peak_mb"] < TARGET_PEAK_MB
    return (
        f"{'ok' if ok else 'FAIL'} {label}: {figures['rows']:,} rows in {figures['seconds']:.1f} s = {rate:,.0f} rows/s, "
        f"peak {figures['peak_mb']:.0f} MB (created {figures['created']:,}, updated {figures['updated']:,}, "
        f"unchanged {figures['unchanged']:,}, rejected {figures['rejected']:,}); "
        f"target ≥ {TARGET_ROWS_PER_S:,} rows/s and < {TARGET_PEAK_MB} MB"
    )


def _sqlite_floor(path: Path, prefix: str) -> str:
    """The same rows, already resolved to ids, through one plain executemany per 20,000 rows into
    a table with the cases table's columns and indexes."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA cache_size=-131072")
    ddl = connection.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'cases' AND sql IS NOT NULL").fetchall()
    connection.execute("DROP TABLE IF EXISTS cases_floor")
    for (statement,) in ddl:
        statement = statement.replace('"cases"', "cases_floor").replace(" cases ", " cases_floor ")
        statement = statement.replace("CREATE TABLE cases_floor", "CREATE TABLE cases_floor", 1)
        statement = re.sub(r'(INDEX\s+"?)ix_cases_', r"\1ix_floor_", statement)
        connection.execute(statement.replace("ON cases (", "ON cases_floor ("))
    columns = [row[1] for row in connection.execute("PRAGMA table_info(cases)")][1:]
    reader = connection.execute(f"SELECT {', '.join(columns)} FROM cases WHERE external_id LIKE '{prefix}%'")
    insert = f"INSERT INTO cases_floor ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    seconds = 0.0
    total = 0
    while batch := reader.fetchmany(20_000):
        started = time.perf_counter()
        connection.executemany(insert, batch)
        seconds += time.perf_counter() - started
        total += len(batch)
    started = time.perf_counter()
    connection.commit()
    seconds += time.perf_counter() - started
    connection.execute("DROP TABLE cases_floor")
    connection.commit()
    connection.close()
    return (
        f"floor: plain executemany of the same {total:,} resolved rows: {seconds:.1f} s = {total / seconds:,.0f} rows/s"
    )


def _measures(url: str) -> list[str]:
    from hrapp import create_app
    from hrapp.workload import queries
    from hrapp.workload.models import Case

    app = create_app({"CONFIG": "development", "SQLALCHEMY_DATABASE_URI": url})
    start, end = dt.date(2026, 1, 1), dt.date(2026, 4, 1)
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count(Case.id)))
        samples, floors = [], []
        result = {}
        for _ in range(3):
            started = time.perf_counter()
            result = queries.officer_measures(start, end)
            samples.append(time.perf_counter() - started)
            low, high = queries.utc_bounds(start, end)
            started = time.perf_counter()
            db.session.execute(
                sa.select(Case.handler_id, sa.func.count())
                .where(Case.reported_at >= low, Case.reported_at < high)
                .group_by(Case.handler_id)
            ).all()
            floors.append(time.perf_counter() - started)
        median = statistics.median(samples)
        status = "ok" if median < TARGET_MEASURES_S else "FAIL"
        return [
            f"{status} quarter's per-officer measures: {len(result):,} officers over {total:,} cases: "
            f"median {median:.2f} s of 3 (target < {TARGET_MEASURES_S} s)",
            f"floor: bare GROUP BY handler over the quarter: median {statistics.median(floors):.2f} s",
        ]


def run() -> list[str]:
    lines: list[str] = []
    app = bench_app(OFFICERS)
    base = Path(sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    postings = _postings(app)
    files = [(name, _case_file(postings, name, start, days)) for name, start, days in QUARTERS]
    scratch = OUT / "workload-scratch.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(base) as source, sqlite3.connect(scratch) as target:
        source.backup(target)
    url = f"sqlite:///{scratch}"
    for name, path in files:
        lines.append(_import_line(f"SQLite import {name} ({path.stat().st_size / 1e6:.0f} MB CSV)", _import(url, path)))
        print("  " + lines[-1], flush=True)
        lines.append("  " + _sqlite_floor(scratch, name))
        print("  " + lines[-1], flush=True)
    lines.append(_import_line("SQLite re-import Q1 (idempotent)", _import(url, files[0][1])))
    lines += _measures(url)
    pg = os.environ.get("BENCH_PG_URL")
    if pg:
        lines += _postgresql(pg, files)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return lines


def _postgresql(url: str, files) -> list[str]:
    from hrapp import create_app
    from hrapp.core.audit import reset_actor, set_actor
    from hrapp.seed.demo import database_is_empty, seed_demo

    app = create_app({"CONFIG": "development", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        if database_is_empty():
            token = set_actor(None, "bench")
            seed_demo(officers=OFFICERS, password="bench-password")
            db.session.commit()
            reset_actor(token)
        db.session.execute(sa.text("DELETE FROM cases"))
        db.session.commit()
    lines = []
    for name, path in files:
        lines.append(_import_line(f"PostgreSQL import {name}", _import(url, path)).replace("FAIL", "(pg)"))
    lines += [line.replace("FAIL", "(pg)") for line in _measures(url)]
    return lines


if __name__ == "__main__":
    for line in run():
        print(line)
