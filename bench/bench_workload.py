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
from bench.results import Figure
from hrapp.extensions import db

OFFICERS = 20_000
ROWS = int(os.environ.get("BENCH_WORKLOAD_ROWS", "1000000"))
TARGET_ROWS_PER_S = 50_000
TARGET_PEAK_MB = 300
TARGET_MEASURES_S = 3.0
MAX_IMPORT_RATIO = 3.0  # the import within 3× of a plain executemany of the same rows
MAX_MEASURES_RATIO = 2.0
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


def _import_figure(label: str, figures: dict, floor: float | None = None) -> Figure:
    return Figure(
        label,
        round(figures["rows"] / figures["seconds"]),
        "rows/s",
        floor=floor,
        max_ratio=MAX_IMPORT_RATIO if floor else None,
        limit=TARGET_ROWS_PER_S,
        higher_is_better=True,
        detail=(
            f"{figures['rows']:,} rows in {figures['seconds']:.1f} s, peak {figures['peak_mb']:.0f} MB "
            f"(target < {TARGET_PEAK_MB} MB{'' if figures['peak_mb'] < TARGET_PEAK_MB else ': FAIL'}); "
            f"created {figures['created']:,}, updated {figures['updated']:,}, unchanged {figures['unchanged']:,}, "
            f"rejected {figures['rejected']:,}"
        ),
    )


def _sqlite_floor(path: Path, prefix: str) -> dict[str, float]:
    """The same rows, already resolved to ids, through one plain executemany per 20,000 rows into
    a table with the cases table's columns and indexes: in the file's order and in time order
    (rows/s of each)."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA cache_size=-65536")
    ddl = connection.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'cases' AND sql IS NOT NULL").fetchall()
    columns = [row[1] for row in connection.execute("PRAGMA table_info(cases)")][1:]
    insert = f"INSERT INTO cases_floor ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    rates = {}
    for order in ("external_id", "reported_at"):
        connection.execute("DROP TABLE IF EXISTS cases_floor")
        for (statement,) in ddl:
            statement = statement.replace('"cases"', "cases_floor").replace(" cases ", " cases_floor ")
            statement = re.sub(r'(INDEX\s+"?)ix_cases_', r"\1ix_floor_", statement)
            connection.execute(statement.replace("ON cases (", "ON cases_floor ("))
        connection.commit()
        reader = connection.execute(
            f"SELECT {', '.join(columns)} FROM cases WHERE external_id LIKE '{prefix}%' ORDER BY {order}"
        )
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
        rates[order] = total / seconds
    connection.execute("DROP TABLE cases_floor")
    connection.commit()
    connection.execute("VACUUM")
    connection.close()
    return rates


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
        return [
            Figure(
                f"quarter's per-officer measures ({len(result):,} officers, {total:,} cases)",
                round(statistics.median(samples), 3),
                "s",
                floor=round(statistics.median(floors), 3),
                limit=TARGET_MEASURES_S,
                detail="floor: the bare GROUP BY handler over the quarter; median of 3",
            )
        ]


def run() -> list:
    results: list = []
    app = bench_app(OFFICERS)
    base = Path(sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    postings = _postings(app)
    files = [(name, _case_file(postings, name, start, days)) for name, start, days in QUARTERS]
    scratch = OUT / "workload-scratch.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(base) as source, sqlite3.connect(scratch) as target:
        source.backup(target)
        # The scale database brings a year of cases of its own; the two generated quarters go into
        # an empty table, so the measures run over exactly the 2,000,000 cases imported here.
        target.execute("DELETE FROM cases")
        target.commit()
        target.execute("VACUUM")
    url = f"sqlite:///{scratch}"
    for name, path in files:
        figures = _import(url, path)
        floors = _sqlite_floor(scratch, name)
        results.append(
            _import_figure(
                f"SQLite case import {name} ({path.stat().st_size / 1e6:.0f} MB CSV)", figures, floors["reported_at"]
            )
        )
        results.append(
            f"floor of {name}: plain executemany of the same resolved rows: {floors['external_id']:,.0f} rows/s in "
            f"the file's order, {floors['reported_at']:,.0f} rows/s in time order (the figure's floor)"
        )
        print("  " + results[-2].line(), flush=True)
    results.append(_import_figure("SQLite re-import of Q1 (idempotent)", _import(url, files[0][1])))
    results += _measures(url)
    pg = os.environ.get("BENCH_PG_URL")
    if pg:
        results += _postgresql(pg, files)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return results


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
    results: list = []
    for name, path in files:
        figure = _import_figure(f"PostgreSQL case import {name}", _import(url, path))
        figure.limit = None  # the absolute targets are SQLite's; PostgreSQL is reported beside them
        results.append(figure)
    for figure in _measures(url):
        figure.name = "PostgreSQL " + figure.name
        figure.limit = None
        results.append(figure)
    return results


if __name__ == "__main__":
    for item in run():
        print(item.line() if isinstance(item, Figure) else item)
