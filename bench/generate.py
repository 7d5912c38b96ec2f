"""Scale data for benchmarks: `python -m bench.generate --profile demo|district|city [--seed N]`.

Builds a database at the sizes of DOMAIN.md's scale table on SQLite or PostgreSQL (`--database-url`,
else DATABASE_URL, else a SQLite file under bench/out). The organisation, officers, tiers and
training, pay (scales, closed months), integrity and assessments come from the demo seed's own
steps (hrapp/seed/demo.py and each domain's seed.py); what grows with the profile goes in as bulk
statements: a year of cases from the dispatch-platform generator (hrapp/workload/generator.py)
resolved to ids here and inserted in batches, a year of daily work records for every officer, and
the seeded integrity checks repeated up to the profile's count. Deterministic for a seed and a
reference date (`--on`, default today): the same arguments give the same rows.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator

import sqlalchemy as sa

from hrapp.extensions import db

BATCH = 20_000


@dataclasses.dataclass(frozen=True)
class Profile:
    name: str
    officers: int
    grids: int
    cases: int  # a year of cases
    checks: int  # a year of integrity checks


PROFILES = {
    "demo": Profile("demo", officers=150, grids=150, cases=60_000, checks=300),
    "district": Profile("district", officers=1_500, grids=1_500, cases=1_000_000, checks=2_500),
    "city": Profile("city", officers=20_000, grids=10_000, cases=2_000_000, checks=40_000),
}
# A profile for the smoke test: the demo shape, a few seconds to build.
PROFILES["tiny"] = Profile("tiny", officers=40, grids=40, cases=4_000, checks=60)


def _log(message: str, started: float | None = None) -> None:
    took = f" ({time.perf_counter() - started:.1f} s)" if started is not None else ""
    print(f"  {message}{took}", file=sys.stderr, flush=True)


def insert_rows(table: sa.Table, columns: Iterable[str], rows: Iterable[tuple], batch: int = BATCH) -> int:
    """Insert tuples (in `columns` order) straight through the DBAPI's executemany in batches: no
    per-row ORM or Core processing. Dates and datetimes must already be ISO text (SQLite stores
    them so; PostgreSQL casts the untyped text)."""
    columns = list(columns)
    connection = db.session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join(marker for _ in columns)})"
    rows = iter(rows)
    total = 0
    while chunk := list(itertools.islice(rows, batch)):
        connection.exec_driver_sql(statement, chunk)
        total += len(chunk)
    return total


def _post_remaining_officers() -> None:
    """More officers than grids (the city profile): the rest share a grid as second officers
    (non-primary postings), so every officer handles cases."""
    from hrapp.officers.models import Officer, Posting
    from hrapp.org.models import Grid

    grids = list(db.session.scalars(sa.select(Grid.id).order_by(Grid.id)))
    unposted = db.session.execute(
        sa.select(Officer.id, Officer.hire_date)
        .where(~sa.exists().where(Posting.officer_id == Officer.id))
        .order_by(Officer.id)
    ).all()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(" ")
    rows = (
        (officer_id, grids[index % len(grids)], hire.isoformat(), None, False, "", now, now)
        for index, (officer_id, hire) in enumerate(unposted)
    )
    insert_rows(
        Posting.__table__,
        ["officer_id", "grid_id", "effective_from", "effective_to", "is_primary", "note", "created_at", "updated_at"],
        rows,
    )


def _case_rows(rng: random.Random, on: dt.date, count: int) -> Iterator[tuple]:
    """A year of generated cases up to `on`, with codes resolved to ids and the deadline derived
    as the staged import does (same calendar and category limits)."""
    from hrapp.officers.models import Officer, Posting
    from hrapp.org.models import Grid
    from hrapp.workload.generator import generate_cases
    from hrapp.workload.importing import CaseImportContext, default_source_system_id, parse_timestamp
    from hrapp.workload.models import RATING_CODES, SUPERVISION_CODES, CaseCategory, CaseSource

    postings = db.session.execute(
        sa.select(Grid.code, Officer.employee_no, Grid.id, Officer.id)
        .join(Posting, Posting.grid_id == Grid.id)
        .join(Officer, Officer.id == Posting.officer_id)
        .where(Posting.valid_on(on))
        .order_by(Officer.employee_no)
    ).all()
    source_system_id = default_source_system_id(db.session)
    context = CaseImportContext(source_system_id, db.session)
    categories = dict(
        db.session.execute(
            sa.select(CaseCategory.code, CaseCategory.id).where(CaseCategory.parent_id.is_not(None))
        ).all()
    )
    sources = dict(db.session.execute(sa.select(CaseSource.code, CaseSource.id)).all())
    grid_ids = {code: grid_id for code, _e, grid_id, _o in postings}
    officer_ids = {employee_no: officer_id for _g, employee_no, _gi, officer_id in postings}
    suspicious = frozenset(rng.sample(range(len(postings)), k=max(1, len(postings) // 50)))
    generated = generate_cases(
        [(grid, employee_no) for grid, employee_no, _gi, _o in postings],
        count,
        on - dt.timedelta(days=365),
        365,
        seed=rng.randint(0, 10**6),
        prefix="FT",
        now=dt.datetime.combine(on, dt.time()),
        suspicious=suspicious,
    )
    limits = context.limits
    for row in generated:
        external_id, category, source, grid, reporter, handler, status, *stamps = row[:15]
        rework, supervision, rating = row[15:]
        times = [parse_timestamp(text) if text else None for text in stamps]
        limit = limits.get(category)
        deadline = context.deadline(times[0], limit[0], limit[1]) if limit and limit[0] else None
        yield (
            source_system_id,
            external_id,
            categories[category],
            sources[source],
            grid_ids[grid],
            officer_ids.get(reporter),
            officer_ids[handler],
            status,
            *times,
            None,  # reopened_at
            int(rework),
            deadline,
            SUPERVISION_CODES[supervision],
            RATING_CODES[rating],
        )


class _IndexesLater:
    """Drop a table's secondary indexes for a bulk load and build them afterwards: one sort per
    index instead of millions of scattered B-tree inserts."""

    def __init__(self, table: sa.Table):
        self.indexes = list(table.indexes)

    def __enter__(self):
        connection = db.session.connection()
        for index in self.indexes:
            index.drop(connection)

    def __exit__(self, *exc):
        if exc[0] is None:
            connection = db.session.connection()
            for index in self.indexes:
                index.create(connection)


def seed_workload_bulk(rng: random.Random, on: dt.date, cases: int) -> None:
    """The workload step at scale: defaults, a year of cases and of daily work records."""
    from hrapp.officers.models import Officer
    from hrapp.workload import services
    from hrapp.workload.importing import UPDATED
    from hrapp.workload.models import Case, WorkRecord
    from hrapp.workload.seed import WORK_RECORD_COLUMNS, work_record_rows, working_days

    services.ensure_defaults()
    db.session.flush()
    started = time.perf_counter()
    with _IndexesLater(Case.__table__):
        columns = ["source_system_id", "external_id", *UPDATED]  # as the import writes them
        total = insert_rows(Case.__table__, columns, _case_rows(rng, on, cases))
    _log(f"{total:,} cases", started)
    started = time.perf_counter()
    officer_ids = list(db.session.scalars(sa.select(Officer.id).order_by(Officer.id)))
    days = working_days(on - dt.timedelta(days=365), on)
    rows = ((officer_id, day.isoformat(), *rest) for officer_id, day, *rest in work_record_rows(rng, officer_ids, days))
    with _IndexesLater(WorkRecord.__table__):
        total = insert_rows(WorkRecord.__table__, WORK_RECORD_COLUMNS, rows)
    _log(f"{total:,} work records", started)


def repeat_checks(target: int) -> None:
    """Repeat the seeded integrity checks (with their inspectors, findings and the officers named
    in them) until there are about `target`, each copy aimed at another officer: copy k of a row
    gets id + k × (the highest seeded id) and its number a "-k" suffix, so children follow their
    parents by arithmetic. Follow-up (rectifications, appeals, evidence, amendments) stays on the
    originals."""
    from hrapp.officers.models import Officer

    tables = db.metadata.tables
    run = db.session.execute

    def highest(name: str) -> int:
        return db.session.scalar(sa.select(sa.func.max(tables[name].c.id))) or 0

    seeded = db.session.scalar(sa.select(sa.func.count()).select_from(tables["integrity_checks"]))
    last_check, last_finding = highest("integrity_checks"), highest("integrity_findings")
    last_inspector = highest("integrity_check_inspectors")
    officers = db.session.scalar(sa.select(sa.func.max(Officer.id)))
    copies = (target - seeded) // max(seeded, 1)
    if copies <= 0 or not last_check:
        return
    series = f"WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {copies}) "

    def others(name: str, *skip: str) -> list[str]:
        return [c.name for c in tables[name].columns if c.name not in ("id", *skip)]

    copied = others("integrity_checks", "number", "target_officer_id", "street_id")
    run(
        sa.text(
            f"INSERT INTO integrity_checks (id, number, target_officer_id, street_id, {', '.join(copied)}) {series}"
            f"SELECT c.id + k.n * {last_check}, c.number || '-' || k.n, o.id, COALESCE(o.street_id, c.street_id), "
            f"{', '.join('c.' + n for n in copied)} FROM integrity_checks c CROSS JOIN k "
            f"LEFT JOIN officers o ON c.target_officer_id IS NOT NULL "
            f"AND o.id = (c.target_officer_id + k.n * 7919) % {officers} + 1"
        )
    )
    columns = others("integrity_check_inspectors", "check_id")
    run(
        sa.text(
            f"INSERT INTO integrity_check_inspectors (id, check_id, {', '.join(columns)}) {series}"
            f"SELECT x.id + k.n * {last_inspector}, x.check_id + k.n * {last_check}, "
            f"{', '.join('x.' + n for n in columns)} FROM integrity_check_inspectors x CROSS JOIN k"
        )
    )
    columns = others("integrity_findings", "check_id", "amends_id", "amendment_id")
    run(
        sa.text(
            f"INSERT INTO integrity_findings (id, check_id, {', '.join(columns)}) {series}"
            f"SELECT x.id + k.n * {last_finding}, x.check_id + k.n * {last_check}, "
            f"{', '.join('x.' + n for n in columns)} FROM integrity_findings x CROSS JOIN k WHERE x.amends_id IS NULL"
        )
    )
    # The officer named in a copied finding: the copy's own target where the original named its target.
    run(
        sa.text(
            f"INSERT INTO integrity_finding_officers (finding_id, officer_id) {series}"
            f"SELECT x.finding_id + k.n * {last_finding}, "
            "CASE WHEN x.officer_id = c.target_officer_id THEN copy.target_officer_id ELSE x.officer_id END "
            "FROM integrity_finding_officers x JOIN integrity_findings f ON f.id = x.finding_id "
            "JOIN integrity_checks c ON c.id = f.check_id CROSS JOIN k "
            f"JOIN integrity_checks copy ON copy.id = c.id + k.n * {last_check} WHERE f.amends_id IS NULL"
        )
    )
    if db.session.get_bind().dialect.name == "postgresql":
        for name in ("integrity_checks", "integrity_check_inspectors", "integrity_findings"):
            run(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"))
    db.session.flush()


def generate(profile: Profile, seed: int = 38, on: dt.date | None = None, password: str = "bench-password") -> dict:
    """Seed the (empty, created) database of the current app at `profile`'s size."""
    from hrapp.core.db import today
    from hrapp.seed import demo

    on = on or today()
    rng = random.Random(seed)
    started = time.perf_counter()
    if db.session.get_bind().dialect.name == "sqlite":
        # A larger page cache for the bulk load and the index builds (this connection only).
        db.session.execute(sa.text("PRAGMA cache_size=-400000"))
    grids = demo.seed_org(rng, grid_count=profile.grids)
    demo.seed_officers(rng, grids, profile.officers, on)
    _post_remaining_officers()
    db.session.flush()
    demo.seed_users(password)
    _log(f"{profile.grids:,} grids, {profile.officers:,} officers", started)
    for step in demo.STEPS:
        started = time.perf_counter()
        if step is demo._seed_workload:
            seed_workload_bulk(rng, on, profile.cases)
        else:
            step(rng, on)
            if step.__name__ == "seed_integrity":
                repeat_checks(profile.checks)
        db.session.flush()
        _log(step.__name__, started)
    started = time.perf_counter()
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    _log("commit and ANALYZE", started)
    return dataclasses.asdict(profile)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="demo")
    parser.add_argument("--seed", type=int, default=38)
    parser.add_argument("--on", type=dt.date.fromisoformat, help="reference date (default today)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args(argv)
    from bench.data import build_database

    started = time.perf_counter()
    url = build_database(args.profile, seed=args.seed, on=args.on, url=args.database_url)
    print(f"{url} ({args.profile}, seed {args.seed}) ready in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
