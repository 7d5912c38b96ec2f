"""`flask seed demo` computes and issues a year of assessments: every active officer has the twelve
months before the seed day and the annual result, each with its archived PDF, scored from cases."""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa

from hrapp.assessments import documents, workload_source
from hrapp.assessments.models import Assessment
from hrapp.certification.models import AnnualResult
from hrapp.core.dates import add_months
from hrapp.core.db import today
from hrapp.extensions import db
from hrapp.officers.models import Officer


def test_the_demo_seed_issues_a_year_of_assessments(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTS_DIR", str(tmp_path))
    workload_source.register()  # the application's own source (this package's tests unregister it)
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--officers", "8", "--password", "demo-pass-1"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    last = add_months(today().replace(day=1), -1)
    months = [add_months(last, -back).strftime("%Y-%m") for back in range(11, -1, -1)]
    active = set(db.session.scalars(sa.select(Officer.id).where(Officer.status == "active")))
    assert active
    assessments = db.session.scalars(sa.select(Assessment)).all()
    by_officer: dict[int, set] = {}
    for assessment in assessments:
        assert assessment.status == "issued" and assessment.document is not None
        by_officer.setdefault(assessment.officer_id, set()).add(assessment.period)
        archived = (tmp_path / assessment.document.path).read_bytes()
        assert hashlib.sha256(archived).hexdigest() == assessment.document.sha256
    assert by_officer == {officer_id: {*months, str(last.year)} for officer_id in active}
    # Scored from the workload step's cases: the volume and on-time indicators have data.
    latest = [a for a in assessments if a.period == months[-1]]
    assert all(not line["no_data"] for a in latest for line in a.lines if line["code"] in ("events", "on_time"))
    sheet = documents.sheet_for(latest[0], latest[0].document.code)
    assert len(sheet.monthly) == last.month and sum(volume for _m, volume, _r in sheet.workload) > 0
    annual = db.session.scalars(sa.select(AnnualResult).where(AnnualResult.year == last.year)).all()
    assert {r.officer_id for r in annual} == active
    assert not list(Path(tmp_path).rglob(".tmp-*"))
