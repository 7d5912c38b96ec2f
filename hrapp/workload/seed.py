"""Demo data for workload (a step of `flask seed demo`): the default categories, sources and
calendar, a year of cases through the staged import (≈400 cases per officer a year, the demo
profile of DOMAIN.md), and a daily work record for every officer's working days. Deterministic
through the rng passed in. Cases are seeded for at most DEMO_OFFICERS officers: a benchmark
database of 20,000 officers brings its own cases (bench/bench_workload.py)."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import sqlalchemy as sa

from hrapp.core.dates import add_months
from hrapp.core.staged_import import run_staged
from hrapp.extensions import db
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Grid
from hrapp.workload import services
from hrapp.workload.calendar import UTC_OFFSET
from hrapp.workload.generator import HEADER, generate_cases
from hrapp.workload.importing import case_import_spec, default_source_system_id
from hrapp.workload.models import CalendarDay, WorkRecord

DEMO_OFFICERS = 2000
CASES_PER_OFFICER_YEAR = 400


def seed_workload(rng: random.Random, on: dt.date) -> None:
    services.ensure_defaults()
    postings = db.session.execute(
        sa.select(Grid.code, Officer.employee_no, Officer.id)
        .join(Posting, Posting.grid_id == Grid.id)
        .join(Officer, Officer.id == Posting.officer_id)
        .where(Posting.is_primary.is_(True), Posting.valid_on(on))
        .order_by(Officer.employee_no)
    ).all()
    if not postings or len(postings) > DEMO_OFFICERS:
        return
    # From the first day of the month a year back: twelve whole months to assess, and this one so far.
    start = add_months(on.replace(day=1), -12)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None) + UTC_OFFSET
    # A few officers close their own reports within minutes: the anomaly signals have something to show.
    suspicious = frozenset(rng.sample(range(len(postings)), k=max(1, len(postings) // 50)))
    rows = generate_cases(
        [(grid, employee_no) for grid, employee_no, _id in postings],
        CASES_PER_OFFICER_YEAR * len(postings),
        start,
        (on - start).days,
        seed=rng.randint(0, 10**6),
        prefix="FT",
        now=now,
        suspicious=suspicious,
    )
    spec = case_import_spec(default_source_system_id(db.session), db.session)
    report = run_staged(spec, _with_header(rows), dry_run=False)
    if not report.ok:
        raise RuntimeError(f"demo cases did not import: {report.errors[:5]}")
    _seed_work_records(rng, [officer_id for _g, _e, officer_id in postings], start, on)


def _with_header(rows):
    yield HEADER
    yield from rows


def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The working days from start (inclusive) to end (exclusive) by the calendar in the database."""
    exceptions = dict(db.session.execute(sa.select(CalendarDay.day, CalendarDay.kind)).all())
    days = []
    day = start
    while day < end:
        kind = exceptions.get(day)
        if kind == "workday" or (kind != "holiday" and day.weekday() < 5):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


WORK_RECORD_COLUMNS = (
    "officer_id",
    "day",
    "population_items",
    "housing_items",
    "entity_items",
    "facility_items",
    "visits",
    "patrol_minutes",
)


def work_record_rows(rng: random.Random, officer_ids: list[int], days: list[dt.date]):
    """A work record (in WORK_RECORD_COLUMNS order) for each officer's working day, but about one
    day in 25 (leave, training). Draws use `rng.random()` directly: millions of rows at city
    scale, where `randint` would dominate."""
    draw = rng.random
    for officer_id in officer_ids:
        diligence = 0.6 + 0.7 * draw()
        for day in days:
            if draw() < 0.04:  # leave, training
                continue
            yield (
                officer_id,
                day,
                int(int(draw() * 13) * diligence),
                int(int(draw() * 7) * diligence),
                int(draw() * 3),
                int(draw() * 2),
                int(int(draw() * 9) * diligence),
                120 + int(draw() * 181),
            )


def _seed_work_records(rng: random.Random, officer_ids: list[int], start: dt.date, end: dt.date) -> None:
    rows = work_record_rows(rng, officer_ids, working_days(start, end))
    table = WorkRecord.__table__
    while batch := list(itertools.islice(rows, 5000)):
        db.session.execute(sa.insert(table), [dict(zip(WORK_RECORD_COLUMNS, row, strict=True)) for row in batch])
