"""Demo assessments: the default scheme, last month computed for the district and issued for the
street of the demo officer account (so /me shows a PDF; at most ISSUED of them, the demo officer's
first, so a 20,000-officer benchmark database stays quick to build). No workload domain exists yet, so the
workload indicators show as "no data" — the demo tells the truth about its inputs."""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa
from flask import current_app

from hrapp.assessments import services
from hrapp.assessments.models import Assessment
from hrapp.auth.models import User
from hrapp.extensions import db
from hrapp.officers.models import Officer

ISSUED = 20


def seed_assessments(rng: random.Random, on: dt.date) -> None:
    services.ensure_default_scheme()
    period = (on.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    services.compute_period(period)
    demo = db.session.execute(
        sa.select(Officer.id, Officer.street_id)
        .join(User, User.officer_id == Officer.id)
        .where(User.role == "officer")
        .order_by(User.id)
        .limit(1)
    ).first()
    if demo is None:
        return
    officer_id, street_id = demo
    for assessment in db.session.scalars(
        sa.select(Assessment)
        .where(Assessment.period == period, Assessment.street_id == street_id)
        .order_by(Assessment.officer_id != officer_id, Assessment.officer_id)
        .limit(ISSUED)
    ):
        services.issue(
            assessment,
            reports_dir=current_app.config["REPORTS_DIR"],
            font_path=current_app.config.get("PDF_FONT_PATH"),
        )
