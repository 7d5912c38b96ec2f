"""Workload test data: reference defaults on top of the small world, and case files."""

from __future__ import annotations

import csv
import io
import json

import sqlalchemy as sa

from hrapp.extensions import db
from hrapp.workload import services
from hrapp.workload.models import SourceSystem

HEADER = [
    "external_id",
    "category",
    "source",
    "grid",
    "reporter",
    "handler",
    "status",
    "reported_at",
    "accepted_at",
    "dispatched_at",
    "handled_at",
    "closed_at",
    "rating",
]


def with_defaults() -> int:
    """Default categories, sources and calendar; returns the default source system's id."""
    services.ensure_defaults()
    db.session.commit()
    return db.session.scalar(sa.select(SourceSystem.id).where(SourceSystem.code == services.SOURCE_SYSTEM[0]))


def case_row(world, number: int, **changes) -> dict:
    row = {
        "external_id": f"C{number:07d}",
        "category": "01-01",
        "source": "patrol",
        "grid": world.grid.code,
        "reporter": world.officer.employee_no,
        "handler": world.officer.employee_no,
        "status": "closed",
        "reported_at": "2026-03-02 09:00:00",
        "accepted_at": "2026-03-02 09:10:00",
        "dispatched_at": "2026-03-02 09:20:00",
        "handled_at": "2026-03-02 11:00:00",
        "closed_at": "2026-03-02 15:00:00",
        "rating": "satisfied",
    }
    row.update(changes)
    return row


def csv_file(rows: list[dict], header: list[str] = HEADER) -> io.BytesIO:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(key, "") for key in header])
    return io.BytesIO(buffer.getvalue().encode("utf-8"))


def jsonl_file(rows: list[dict]) -> io.BytesIO:
    return io.BytesIO("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8"))
