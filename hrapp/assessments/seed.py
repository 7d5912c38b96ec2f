"""Demo assessments: the default scheme, then a year of them computed and issued — the twelve
complete months before the seed day, one after the other (each certificate charts the months before
it), and the annual result of the last month's year so far — so every officer's page and PDF has
real content, scored from the year of cases and work records the workload step adds.

Scale: up to ISSUE_ALL officers every result is issued (a process pool renders, see issuing.py);
above, the year is issued for the demo officer's street only. A district too large for the workload
step's cases (a benchmark database) gets last month computed and the demo officer's street's first
ISSUED documents, as its workload indicators have no data."""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa
from flask import current_app

from hrapp.assessments import issuing, queries, services
from hrapp.auth.models import User
from hrapp.core.dates import add_months
from hrapp.extensions import db
from hrapp.officers.models import Officer

MONTHS = 12
ISSUE_ALL = 500
YEAR_UP_TO = 2000  # officers with demo cases (the workload step's limit)
ISSUED = 20


def _demo_officer() -> tuple[int, int] | None:
    return db.session.execute(
        sa.select(Officer.id, Officer.street_id)
        .join(User, User.officer_id == Officer.id)
        .where(User.role == "officer")
        .order_by(User.id)
        .limit(1)
    ).first()


def seed_assessments(rng: random.Random, on: dt.date) -> None:
    services.ensure_default_scheme()
    last = on.replace(day=1) - dt.timedelta(days=1)
    demo = _demo_officer()
    officers = db.session.scalar(sa.select(sa.func.count()).where(Officer.status == "active"))
    settings = {
        "reports_dir": current_app.config["REPORTS_DIR"],
        "font_path": current_app.config.get("PDF_FONT_PATH"),
    }
    if officers > YEAR_UP_TO:
        period = last.strftime("%Y-%m")
        services.compute_period(period)
        if demo is not None:
            ids = list(db.session.scalars(queries.pending_for_issue(period, demo[1])))
            first = sorted(ids, key=lambda i: i != _assessment_of(demo[0], period))[:ISSUED]
            issuing.issue_many(first, **settings)
        return
    street_id = None if officers <= ISSUE_ALL or demo is None else demo[1]
    periods = [add_months(last.replace(day=1), -back).strftime("%Y-%m") for back in range(MONTHS - 1, -1, -1)]
    periods.append(str(last.year))
    workers = issuing.worker_count(current_app.config.get("ASSESSMENT_ISSUE_WORKERS"))
    with issuing.render_pool(workers, settings["font_path"]) as pool:
        for period in periods:
            services.compute_period(period)
            ids = list(db.session.scalars(queries.pending_for_issue(period, street_id)))
            issuing.issue_many(ids, **settings, pool=pool)


def _assessment_of(officer_id: int, period: str) -> int | None:
    from hrapp.assessments.models import Assessment

    return db.session.scalar(
        sa.select(Assessment.id).where(Assessment.officer_id == officer_id, Assessment.period == period)
    )
