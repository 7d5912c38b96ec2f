"""Read side of integrity: scoped lookups, the findings feeds and the statistics.

Every lookup of a check starts from `check_scope(user)` (the compartment in core.permissions), so a
check outside it is indistinguishable from one that does not exist. Aggregates run in SQL.
"""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased, load_only, selectinload

from hrapp.core.audit import AuditEvent
from hrapp.core.db import today
from hrapp.core.permissions import integrity_check_scope
from hrapp.extensions import db
from hrapp.integrity.models import (
    Appeal,
    Check,
    CheckPlan,
    Draw,
    Evidence,
    Finding,
    Rectification,
    finding_officers,
)
from hrapp.officers.models import Officer
from hrapp.org.models import Street

VETO_SEVERITY = 3  # 严重 and 重大: the assessment's veto (一票否决)


def current_finding(finding=Finding):
    """SQL condition: the finding is in force (not replaced by an amendment, not withdrawn)."""
    replacement = aliased(Finding)
    return sa.and_(
        finding.withdrawn.is_(False),
        ~sa.exists(sa.select(replacement.id).where(replacement.amends_id == finding.id)),
    )


def concerns_officer(officer_id: int):
    """SQL condition on Check: the officer is its target or responsible for a finding in force."""
    responsible = (
        sa.select(Finding.id)
        .join(finding_officers, finding_officers.c.finding_id == Finding.id)
        .where(Finding.check_id == Check.id, finding_officers.c.officer_id == officer_id, current_finding())
    )
    return sa.or_(Check.target_officer_id == officer_id, sa.exists(responsible))


def check_scope(user):
    return integrity_check_scope(user, Check.status, Check.street_id, concerns_officer)


def visible_check(user, check_id: int) -> Check | None:
    return db.session.scalar(sa.select(Check).where(Check.id == check_id, check_scope(user)))


def visible_evidence(user, evidence_id: int) -> Evidence | None:
    return db.session.scalar(
        sa.select(Evidence)
        .join(Check, Check.id == Evidence.check_id)
        .where(Evidence.id == evidence_id, check_scope(user))
    )


def checks_page(
    user, *, status: str | None = None, q: str = "", street_id: int | None = None, page: int = 1, per_page: int = 50
):
    # A list row shows the number, date, target, street, result, findings' codes and status: only
    # those columns are loaded (not the checklist answers, notes or whole officer records).
    stmt = (
        sa.select(Check)
        .where(check_scope(user))
        .options(
            load_only(
                Check.number,
                Check.status,
                Check.target_type,
                Check.target_officer_id,
                Check.target_label,
                Check.street_id,
                Check.started_at,
                Check.result_code,
                Check.version,
            ),
            selectinload(Check.target_officer).load_only(Officer.name, Officer.employee_no),
            selectinload(Check.street).load_only(Street.name),
            selectinload(Check.findings).load_only(
                Finding.check_id, Finding.code, Finding.severity, Finding.amends_id, Finding.withdrawn
            ),
        )
        .order_by(Check.started_at.desc().nulls_last(), Check.id.desc())
    )
    if status:
        stmt = stmt.where(Check.status == status)
    if street_id:
        stmt = stmt.where(Check.street_id == street_id)
    if q:
        pattern = f"%{q}%"
        stmt = stmt.where(
            sa.or_(
                Check.number.ilike(pattern),
                Check.target_label.ilike(pattern),
                Check.place.ilike(pattern),
                Check.target_officer_id.in_(
                    sa.select(Officer.id).where(sa.or_(Officer.name.ilike(pattern), Officer.employee_no.ilike(pattern)))
                ),
            )
        )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def plans():
    return db.session.scalars(sa.select(CheckPlan).order_by(CheckPlan.period_start.desc(), CheckPlan.id.desc())).all()


def draws():
    return db.session.scalars(sa.select(Draw).order_by(Draw.run_at.desc(), Draw.id.desc())).all()


def rectifications(status: str | None = None):
    stmt = sa.select(Rectification).options(selectinload(Rectification.check), selectinload(Rectification.owner))
    if status:
        stmt = stmt.where(Rectification.status == status)
    return db.session.scalars(stmt.order_by(Rectification.deadline, Rectification.id)).all()


def appeals(pending_only: bool = False):
    stmt = sa.select(Appeal).options(selectinload(Appeal.check), selectinload(Appeal.officer))
    if pending_only:
        stmt = stmt.where(Appeal.outcome.is_(None))
    return db.session.scalars(stmt.order_by(Appeal.filed_at.desc())).all()


# --- feeds for other domains -------------------------------------------------------------------


def findings_source() -> sa.Select:
    """Certification's integrity evidence: (officer_id, found_on, severity) of every finding in
    force of a closed check, once per responsible officer. Open checks stay out: counting them
    would tell HR, through the candidates page, of a check they may not know about."""
    return (
        sa.select(
            finding_officers.c.officer_id.label("officer_id"),
            Finding.found_on.label("found_on"),
            Finding.severity.label("severity"),
        )
        .join(Finding, Finding.id == finding_officers.c.finding_id)
        .join(Check, Check.id == Finding.check_id)
        .where(Check.status == "closed", current_finding())
    )


def officer_findings(start: dt.date, end: dt.date, officer_ids=None) -> sa.Select:
    """The assessments feed: per responsible officer, the findings in force of closed checks found
    in [start, end] — officer_id, check_id, check number, code, severity, deduction, found_on."""
    stmt = (
        sa.select(
            finding_officers.c.officer_id.label("officer_id"),
            Check.id.label("check_id"),
            Check.number.label("check_number"),
            Finding.code.label("code"),
            Finding.severity.label("severity"),
            Finding.deduction.label("deduction"),
            Finding.found_on.label("found_on"),
        )
        .join(Finding, Finding.id == finding_officers.c.finding_id)
        .join(Check, Check.id == Finding.check_id)
        .where(Check.status == "closed", current_finding(), Finding.found_on >= start, Finding.found_on <= end)
    )
    if officer_ids is not None:
        stmt = stmt.where(finding_officers.c.officer_id.in_(list(officer_ids)))
    return stmt


def integrity_indicator(start: dt.date, end: dt.date, officer_ids=None) -> dict[int, dict]:
    """Per officer over [start, end]: findings, deduction points and the veto (a 严重 or 重大 finding)."""
    feed = officer_findings(start, end, officer_ids).subquery()
    rows = db.session.execute(
        sa.select(
            feed.c.officer_id,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(feed.c.deduction), 0),
            sa.func.max(feed.c.severity),
        ).group_by(feed.c.officer_id)
    ).all()
    return {
        officer_id: {"findings": count, "deduction": decimal.Decimal(total), "veto": (worst or 0) >= VETO_SEVERITY}
        for officer_id, count, total, worst in rows
    }


# --- statistics --------------------------------------------------------------------------------


def _has_finding():
    return sa.exists(sa.select(Finding.id).where(Finding.check_id == Check.id, current_finding()))


def statistics(user, start: dt.date, end: dt.date, street_id: int | None = None) -> dict:
    """Checks, share with findings, findings by code and severity, by street, rectification on time."""
    start_at = dt.datetime.combine(start, dt.time()) - dt.timedelta(hours=8)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time()) - dt.timedelta(hours=8)
    in_period = sa.and_(
        check_scope(user), Check.status != "draft", Check.started_at >= start_at, Check.started_at < end_at
    )
    if street_id:
        in_period = sa.and_(in_period, Check.street_id == street_id)
    has_finding = sa.case((_has_finding(), 1), else_=0)
    total, with_findings = db.session.execute(
        sa.select(sa.func.count(Check.id), sa.func.coalesce(sa.func.sum(has_finding), 0)).where(in_period)
    ).one()
    by_street = db.session.execute(
        sa.select(Street.name, sa.func.count(Check.id), sa.func.coalesce(sa.func.sum(has_finding), 0))
        .select_from(Check)
        .outerjoin(Street, Street.id == Check.street_id)
        .where(in_period)
        .group_by(Street.name, Street.code)
        .order_by(Street.code)
    ).all()
    findings_in = (
        sa.select(Finding.code, Finding.severity, sa.func.count(Finding.id), sa.func.sum(Finding.deduction))
        .join(Check, Check.id == Finding.check_id)
        .where(in_period, current_finding())
    )
    by_code = db.session.execute(findings_in.group_by(Finding.code, Finding.severity).order_by(Finding.code)).all()
    on = today()
    rect = db.session.execute(
        sa.select(
            sa.func.count(Rectification.id),
            sa.func.coalesce(
                sa.func.sum(
                    sa.case(
                        (
                            sa.and_(
                                Rectification.status == "passed", Rectification.completed_on <= Rectification.deadline
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
            sa.func.coalesce(
                sa.func.sum(
                    sa.case(
                        (
                            sa.or_(
                                Rectification.status == "overdue",
                                sa.and_(Rectification.status != "passed", Rectification.deadline < on),
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
        )
        .join(Check, Check.id == Rectification.check_id)
        .where(in_period)
    ).one()
    codes: dict[str, dict] = {}
    severities = {1: 0, 2: 0, 3: 0, 4: 0}
    for code, severity, count, deduction in by_code:
        entry = codes.setdefault(code, {"count": 0, "deduction": decimal.Decimal(0)})
        entry["count"] += count
        entry["deduction"] += decimal.Decimal(deduction or 0)
        severities[severity] += count
    return {
        "total": total,
        "with_findings": int(with_findings),
        "share": (int(with_findings) / total) if total else None,
        "by_street": [(name or "—", count, int(found)) for name, count, found in by_street],
        "by_code": codes,
        "by_severity": severities,
        "rectifications": rect[0],
        "rectified_on_time": int(rect[1]),
        "overdue": int(rect[2]),
    }


def monthly_counts(user, months: int = 12, on: dt.date | None = None) -> list[tuple[str, int, int]]:
    """(YYYY-MM, checks, checks with findings) for the last `months` months (the start-page chart)."""
    on = on or today()
    first = dt.date(on.year, on.month, 1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    start_at = dt.datetime.combine(first, dt.time()) - dt.timedelta(hours=8)
    local = Check.started_at + dt.timedelta(hours=8) if db.engine.dialect.name == "postgresql" else None
    if local is None:
        month = sa.func.strftime("%Y-%m", Check.started_at, "+8 hours")
    else:
        month = sa.func.to_char(local, "YYYY-MM")
    rows = db.session.execute(
        sa.select(
            month, sa.func.count(Check.id), sa.func.coalesce(sa.func.sum(sa.case((_has_finding(), 1), else_=0)), 0)
        )
        .where(check_scope(user), Check.status != "draft", Check.started_at >= start_at)
        .group_by(month)
    ).all()
    counts = {label: (count, int(found)) for label, count, found in rows}
    labels = []
    cursor = first
    while cursor <= on:
        labels.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return [(label, *counts.get(label, (0, 0))) for label in labels]


def summary(user) -> dict:
    """The inspectors' start page figures."""
    by_status = dict(
        db.session.execute(
            sa.select(Check.status, sa.func.count()).where(check_scope(user)).group_by(Check.status)
        ).all()
    )
    on = today()
    return {
        "drafts": by_status.get("draft", 0),
        "submitted": by_status.get("submitted", 0),
        "closed": by_status.get("closed", 0),
        "open_rectifications": db.session.scalar(
            sa.select(sa.func.count(Rectification.id)).where(Rectification.status.notin_(("passed",)))
        ),
        "overdue_rectifications": db.session.scalar(
            sa.select(sa.func.count(Rectification.id)).where(
                Rectification.status != "passed", Rectification.deadline < on
            )
        ),
        "pending_appeals": db.session.scalar(sa.select(sa.func.count(Appeal.id)).where(Appeal.outcome.is_(None))),
    }


def read_log(page: int = 1, per_page: int = 50):
    """Who read which integrity record, newest first (administrators)."""
    stmt = (
        sa.select(AuditEvent)
        .where(AuditEvent.entity.like("integrity%"), AuditEvent.action == "read")
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def export_rows(user, start: dt.date, end: dt.date, street_id: int | None = None):
    """Checks of the period in the user's scope with their findings in force, for the XLSX export."""
    start_at = dt.datetime.combine(start, dt.time()) - dt.timedelta(hours=8)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time()) - dt.timedelta(hours=8)
    stmt = (
        sa.select(Check)
        .where(check_scope(user), Check.status != "draft", Check.started_at >= start_at, Check.started_at < end_at)
        .options(selectinload(Check.target_officer), selectinload(Check.street), selectinload(Check.findings))
        .order_by(Check.started_at, Check.id)
    )
    if street_id:
        stmt = stmt.where(Check.street_id == street_id)
    return db.session.scalars(stmt).all()
