"""The database a load run works on: the demo seed at district size (1,500 officers, a year of
cases and daily work), plus what the simulated clients need — officer accounts, API tokens, the
officers and search terms they ask for, case batches for the API and files for the background
import. Nothing here runs during the measured minute."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import shutil
from pathlib import Path

import sqlalchemy as sa

OUT = Path(__file__).resolve().parent.parent / "out"
OFFICERS = 1_500  # district size (../shared/DOMAIN.md)
PASSWORD = "load-password"
OFFICER_ACCOUNTS = 24
API_TOKENS = 12
API_ITEMS = 4_000
SUPERVISION = {"0": "none", "1": "yellow", "2": "red"}


def _app(url: str):
    from hrapp import create_app

    return create_app({"CONFIG": "development", "SQLALCHEMY_DATABASE_URI": url})


def _fingerprint() -> str:
    """Tables, columns, indexes and seed steps: a database seeded before a domain changed its
    tables or its demo data is built again rather than reused."""
    from hrapp.extensions import db
    from hrapp.seed.demo import STEPS

    _app("sqlite://")  # imports every domain's models
    tables = [
        (t.name, [(c.name, str(c.type)) for c in t.columns], sorted(i.name for i in t.indexes))
        for t in db.metadata.sorted_tables
    ]
    steps = [f"{step.__module__}.{step.__qualname__}" for step in STEPS]
    return hashlib.sha256(repr((tables, steps, OFFICERS)).encode()).hexdigest()[:10]


def _seed(url: str) -> float:
    import time

    from hrapp.core.audit import reset_actor, set_actor
    from hrapp.extensions import db
    from hrapp.seed.demo import seed_demo

    app = _app(url)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        token = set_actor(None, "bench")
        try:
            seed_demo(officers=OFFICERS, password=PASSWORD)
            db.session.commit()
        finally:
            reset_actor(token)
            db.session.remove()
            db.engine.dispose()
        return time.perf_counter() - started


def sqlite_database() -> str:
    """A fresh copy of the seeded SQLite file (the pristine one is built once and kept)."""
    OUT.mkdir(exist_ok=True)
    pristine = OUT / f"load-district-{_fingerprint()}.sqlite"
    for stale in OUT.glob("load-district-*.sqlite*"):
        if not stale.name.startswith(pristine.name):
            stale.unlink()
    if not pristine.exists():
        building = pristine.with_suffix(".building")
        for old in OUT.glob(f"{building.name}*"):
            old.unlink()
        seconds = _seed(f"sqlite:///{building}")
        _checkpoint(building)
        building.rename(pristine)
        print(f"  seeded {pristine.name} in {seconds:.0f} s")
    run = OUT / "load-run.sqlite"
    for old in OUT.glob("load-run.sqlite*"):
        old.unlink()
    shutil.copyfile(pristine, run)
    return f"sqlite:///{run}"


def _checkpoint(path: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()


def postgresql_database(url: str) -> str:
    """The PostgreSQL database at `url` emptied (schema public dropped) and seeded afresh."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    seconds = _seed(url)
    print(f"  seeded {url.rsplit('/', 1)[-1]} in {seconds:.0f} s")
    return url


def plan(url: str, import_rows: int, import_files: int) -> dict:
    """Accounts, tokens and payloads for the clients; written to JSON for the locustfile."""
    from hrapp.api.services import issue_token
    from hrapp.auth import services as auth_services
    from hrapp.core.audit import reset_actor, set_actor
    from hrapp.extensions import db
    from hrapp.officers.models import Officer, Posting
    from hrapp.org.models import Grid
    from hrapp.workload.generator import HEADER, generate_cases, write_csv
    from hrapp.workload.importing import default_source_system_id

    app = _app(url)
    with app.app_context():
        token = set_actor(None, "bench")
        try:
            rows = db.session.execute(
                sa.select(Officer.id, Officer.name, Officer.employee_no, Grid.code)
                .join(Posting, Posting.officer_id == Officer.id)
                .join(Grid, Grid.id == Posting.grid_id)
                .where(Posting.is_primary.is_(True), Posting.effective_to.is_(None))
                .order_by(Officer.employee_no)
            ).all()
            linked = set(db.session.scalars(sa.text("SELECT officer_id FROM users WHERE officer_id IS NOT NULL")))
            rng = random.Random(13)
            free = [row for row in rows if row.id not in linked]
            officers = []
            for number, row in enumerate(rng.sample(free, OFFICER_ACCOUNTS), start=1):
                username = f"load_officer_{number:02d}"
                auth_services.create_user(username, PASSWORD, "officer", display_name=row.name, officer_id=row.id)
                officers.append([username, row.id])
            system_id = default_source_system_id(db.session)
            tokens = [issue_token(f"load {number}", system_id, None)[1] for number in range(1, API_TOKENS + 1)]
            db.session.commit()
        finally:
            reset_actor(token)
            db.session.remove()
            db.engine.dispose()
    postings = [(row.code, row.employee_no) for row in rows]
    start = dt.date.today() - dt.timedelta(days=60)
    items = [
        _api_item(dict(zip(HEADER, values, strict=True)))
        for values in generate_cases(postings, API_ITEMS, start, 50, seed=7, prefix="API")
    ]
    files = []
    for number in range(import_files):
        path = OUT / f"load-import-{number}-{import_rows}.csv"
        if not path.exists():
            write_csv(path, generate_cases(postings, import_rows, start, 50, seed=100 + number, prefix=f"LD{number}"))
        files.append(str(path))
    return {
        "password": PASSWORD,
        "hr_users": ["hr", "admin"],
        "officer_users": officers,
        "tokens": tokens,
        "officer_ids": [row.id for row in rows],
        "search_terms": sorted({row.name[:1] for row in rows} | {row.name[1:2] for row in rows if len(row.name) > 1})
        + [row.employee_no[:4] for row in rows[:: max(1, len(rows) // 20)]],
        "api_items": items,
        "import_files": files,
    }


def _api_item(row: dict) -> dict:
    item = {}
    for key, value in row.items():
        if value in ("", None):
            continue
        if key.endswith("_at"):
            value = value.replace(" ", "T")
        elif key == "rework_count":
            value = int(value)
        elif key == "supervision":
            value = SUPERVISION[value]
        item[key] = value
    return item
