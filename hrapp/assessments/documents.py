"""Issued documents: the data of an assessment's PDF (read set-based for a whole batch), the
archive (each file written atomically; its SHA-256 recorded) and the verification lookup."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import secrets
import tempfile
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from hrapp.assessments import scoring, sources
from hrapp.assessments.models import Assessment, AssessmentDocument
from hrapp.assessments.pdf import AssessmentSheet
from hrapp.certification.models import TIER_LABELS
from hrapp.core.db import utcnow
from hrapp.core.i18n import DISPLAY_TZ, local_time
from hrapp.extensions import db

GRADE_NAMES = {4: "优秀", 3: "合格", 2: "基本合格", 1: "不合格"}
SEVERITY_NAMES = {1: "轻微", 2: "一般", 3: "严重", 4: "重大"}


def new_code() -> str:
    return secrets.token_hex(8).upper()


def verify_url(code: str) -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}/verify/{code}"


def _month_label(period: str) -> str:
    return f"{int(period[5:7])}月"


def monthly_scores(officer_ids: list[int], year: int, last: str, including: list[int]) -> dict[int, list]:
    """Each officer's monthly scores of the year up to the month `last` ('YYYY-MM'): the current
    version of each month (reviewed or issued, or one of `including`, the assessments being issued
    now; other drafts left out). One statement for all the officers."""
    rows = db.session.execute(
        sa.select(Assessment.officer_id, Assessment.period, Assessment.score)
        .where(
            Assessment.officer_id.in_(officer_ids),
            Assessment.period.like(f"{year}-__"),
            Assessment.period.not_like("%Q%"),
            Assessment.period <= last,
            sa.or_(Assessment.status.in_(("reviewed", "issued")), Assessment.id.in_(including)),
        )
        .order_by(Assessment.officer_id, Assessment.period)
    ).all()
    scores: dict[int, list] = {}
    for officer_id, period, score in rows:
        scores.setdefault(officer_id, []).append((_month_label(period), float(score)))
    return scores


def workload_months(officer_ids: list[int], start: dt.date, end: dt.date) -> dict[int, list]:
    """Each officer's valid reports and on-time rate month by month over [start, end], read through
    the registered workload source, from the first month with cases."""
    found = sources.workload_by_month(start, end, officer_ids)
    months = []
    day = start.replace(day=1)
    while day <= end:
        months.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    series: dict[int, list] = {}
    for officer_id, by_month in found.items():
        rows = [(key, by_month.get(key, {"volume": 0, "on_time_rate": None})) for key in months]
        while rows and not rows[0][1]["volume"] and rows[0][1]["on_time_rate"] is None:
            rows.pop(0)
        series[officer_id] = [(_month_label(key), m["volume"], m["on_time_rate"]) for key, m in rows]
    return series


def sheets_for(assessments: list[Assessment], codes: dict[int, str], issued_at: dt.datetime) -> list[AssessmentSheet]:
    """The plain data of each assessment's certificate, issued at `issued_at` (naive UTC), read in
    a fixed number of statements per period whatever the number of assessments."""
    from hrapp.org.models import District, Grid, Street

    if not assessments:
        return []
    streets = {
        row.id: row
        for row in db.session.execute(
            sa.select(Street.id, Street.name, Street.district_id).where(
                Street.id.in_({a.street_id for a in assessments})
            )
        )
    }
    districts = dict(
        db.session.execute(
            sa.select(District.id, District.name).where(District.id.in_({s.district_id for s in streets.values()}))
        ).all()
    )
    grid_ids = {a.grid_id for a in assessments if a.grid_id}
    grids = dict(db.session.execute(sa.select(Grid.id, Grid.name).where(Grid.id.in_(grid_ids))).all())
    ids = [a.id for a in assessments]
    issued_local = issued_at.replace(tzinfo=dt.UTC).astimezone(DISPLAY_TZ)
    by_period: dict[tuple, dict] = {}
    span = lambda a: (a.period_start, a.period_end)  # noqa: E731
    for (start, end), group in itertools.groupby(sorted(assessments, key=span), key=span):
        officers = [a.officer_id for a in group]
        # The charts run from January of the period's year to its last month, never past the issue day.
        chart_end = min(end, issued_local.date())
        by_period[(start, end)] = {
            "findings": sources.integrity_findings(start, end, officers),
            "monthly": monthly_scores(officers, start.year, chart_end.strftime("%Y-%m"), ids),
            "workload": workload_months(officers, start.replace(month=1, day=1), chart_end),
        }
    sheets = []
    for assessment in assessments:
        street = streets.get(assessment.street_id)
        found = by_period[span(assessment)]
        code = codes[assessment.id]
        sheets.append(
            AssessmentSheet(
                district=districts.get(street.district_id, "") if street else "",
                street=street.name if street else "",
                officer=assessment.officer.name,
                employee_no=assessment.officer.employee_no,
                grid=grids.get(assessment.grid_id, ""),
                tier=str(TIER_LABELS.get(assessment.tier_code, assessment.tier_code or "")),
                period=assessment.period,
                version=assessment.version,
                scheme=f"{assessment.scheme.name} v{assessment.scheme.version}",
                lines=assessment.lines,
                score=f"{assessment.score:.2f}",
                computed_score=f"{assessment.computed_score:.2f}",
                adjustment=f"{assessment.adjustment:+.2f}",
                adjustment_reason=assessment.adjustment_reason,
                grade=GRADE_NAMES[assessment.grade],
                veto=assessment.veto_reason,
                capped=assessment.capped,
                no_data=[line["name"] for line in assessment.lines if line["no_data"]],
                monthly=found["monthly"].get(assessment.officer_id, []),
                training_hours=f"{assessment.training_hours}",
                training_required=f"{assessment.training_required}",
                findings=[
                    {**f, "severity": SEVERITY_NAMES.get(f["severity"], str(f["severity"]))}
                    for f in found["findings"].get(assessment.officer_id, [])
                ],
                reviewer=assessment.reviewed_by,
                review_comment=assessment.review_comment,
                issued_at=local_time(issued_at),  # Asia/Shanghai, as every page shows times
                code=code,
                verify_url=verify_url(code),
                workload=found["workload"].get(assessment.officer_id, []),
                issued=issued_local,
                **_annual_figures(assessment),
            )
        )
    return sheets


def _annual_figures(assessment: Assessment) -> dict:
    """For a year's result: the year-end review (the indicators' points) and the formula that
    blends it with the monthly scores, read back from the computed score so the document shows
    exactly the figures the computation used."""
    if len(assessment.period) != 4:
        return {}
    annual = assessment.scheme.definition.get("annual") or scoring.DEFAULT_DEFINITION["annual"]
    monthly_share, review_share = Decimal(annual["monthly_share"]), Decimal(annual["review_share"])
    review = sum((Decimal(line["points"]) for line in assessment.lines), Decimal(0))
    if review == assessment.computed_score or not monthly_share:
        return {"review_score": f"{review:.2f}"}  # no monthly results: the review stands alone
    mean = (assessment.computed_score * 100 - review * review_share) / monthly_share
    formula = (
        f"年度得分 = 月度得分平均 {mean:.2f} × {monthly_share:g}% + 年终考评 {review:.2f} × {review_share:g}%"
        f" = {assessment.computed_score:.2f}"
    )
    return {"review_score": f"{review:.2f}", "annual_formula": formula}


def sheet_for(assessment: Assessment, code: str) -> AssessmentSheet:
    return sheets_for([assessment], {assessment.id: code}, assessment.issued_at or utcnow())[0]


def archive_path(assessment: Assessment, code: str) -> Path:
    """Where an issued document lives under REPORTS_DIR (relative). The code makes each issue
    attempt's file its own, so an attempt that fails removes only what it wrote."""
    return Path("assessments") / assessment.period / f"{assessment.officer_id}-v{assessment.version}-{code}.pdf"


def write_atomically(path: Path, data: bytes, *, sync_directory: bool = True) -> None:
    """Temp file in the same directory, fsync, rename, fsync the directory: a reader sees the
    whole document or none. A batch writes its files with `sync_directory=False` and syncs each
    directory once (`sync_directories`) before it records them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    if sync_directory:
        sync_directories([path.parent])


def sync_directories(directories) -> None:
    for directory in set(directories):
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def read_archived(document: AssessmentDocument, reports_dir: str) -> bytes:
    return (Path(reports_dir) / document.path).read_bytes()


def by_code(code: str) -> AssessmentDocument | None:
    if not code or len(code) > 20:
        return None
    return db.session.scalar(sa.select(AssessmentDocument).where(AssessmentDocument.code == code.upper()))
