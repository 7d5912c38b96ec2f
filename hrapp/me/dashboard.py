"""The start page of each role: what needs the user's attention, and the state of their scope.

HR clerks and administrators: pending work (cases to decide, past sessions without attendance,
certificates expiring, officers below their training hours, vacant grids) and, per street, the
tier mix and training compliance as charts. Administrators also see failed jobs and recent
background work. Every figure goes through the same scoped queries as the pages it links to, so a
street clerk's counts are their street's. Each figure is one aggregate statement.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from hrapp.certification.models import TIER_LABELS, PromotionCase, Tier, TierRecord
from hrapp.certification.queries import below_training_hours, completion_by_street
from hrapp.core.permissions import Role, officer_scope, street_scope
from hrapp.extensions import db
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Community, Grid, Street
from hrapp.tasks.models import JobRun, TaskRun
from hrapp.training.models import Attendance, TrainingSession
from hrapp.training.queries import expiring_certificates

# A session held this recently with nobody recorded is work to do; older ones are history.
RECENT_SESSION_DAYS = 60


@dataclasses.dataclass
class Pending:
    cases: int
    sessions_without_attendance: int
    expiring_certificates: int
    below_training_hours: int
    vacant_grids: int
    grids: int


def _count(stmt) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0


def officers_by_status(user) -> dict[str, int]:
    return dict(
        db.session.execute(
            sa.select(Officer.status, sa.func.count()).where(officer_scope(user, Officer)).group_by(Officer.status)
        ).all()
    )


def grid_occupancy(user, on: dt.date) -> tuple[int, int]:
    """(active grids, grids without a primary officer on `on`) in the user's streets."""
    grids = db.session.scalar(
        sa.select(sa.func.count(Grid.id))
        .join(Community)
        .where(Grid.active.is_(True), street_scope(user, Community.street_id))
    )
    served = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Posting.grid_id)))
        .join(Grid, Grid.id == Posting.grid_id)
        .join(Community)
        .where(Posting.is_primary.is_(True), Posting.valid_on(on), Grid.active.is_(True))
        .where(street_scope(user, Community.street_id))
    )
    return grids or 0, (grids or 0) - (served or 0)


def pending(user, on: dt.date) -> Pending:
    cases = (
        sa.select(PromotionCase.id)
        .join(Officer, Officer.id == PromotionCase.officer_id)
        .where(PromotionCase.status == "submitted", officer_scope(user, Officer))
    )
    without_attendance = sa.select(TrainingSession.id).where(
        TrainingSession.held_on <= on,
        TrainingSession.held_on > on - dt.timedelta(days=RECENT_SESSION_DAYS),
        ~sa.exists().where(Attendance.session_id == TrainingSession.id),
    )
    grids, vacant = grid_occupancy(user, on)
    return Pending(
        cases=_count(cases),
        sessions_without_attendance=_count(without_attendance),
        expiring_certificates=_count(expiring_certificates(user, on)),
        below_training_hours=_count(below_training_hours(on, user)),
        vacant_grids=vacant,
        grids=grids,
    )


def tier_mix_chart(user, on: dt.date) -> dict:
    """ECharts option: officers on duty per street, stacked by their current tier."""
    rows = db.session.execute(
        sa.select(Street.name, Tier.code, Tier.ordinal, sa.func.count(Officer.id))
        .select_from(Officer)
        .join(Street, Street.id == Officer.street_id)
        .join(TierRecord, sa.and_(TierRecord.officer_id == Officer.id, TierRecord.valid_on(on)))
        .join(Tier, Tier.id == TierRecord.tier_id)
        .where(officer_scope(user, Officer), Officer.status == "active")
        .group_by(Street.name, Tier.code, Tier.ordinal)
        .order_by(Street.name, Tier.ordinal)
    ).all()
    streets = sorted({row[0] for row in rows})
    tiers = sorted({(row[2], row[1]) for row in rows})
    counts = {(row[0], row[1]): row[3] for row in rows}
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 10, "bottom": 60, "top": 40},
        "xAxis": {"type": "category", "data": streets, "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": str(TIER_LABELS.get(code, code)),
                "type": "bar",
                "stack": "tiers",
                "data": [counts.get((street, code), 0) for street in streets],
            }
            for _ordinal, code in tiers
        ],
    }


def compliance_chart(user, on: dt.date) -> dict:
    """ECharts option: share of mandatory courses completed, per street (percent)."""
    rows = completion_by_street(user, on)
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 10, "bottom": 60, "top": 20},
        "xAxis": {"type": "category", "data": [row["street"] for row in rows], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {
                "type": "bar",
                "data": [round(row["rate"] * 100, 1) if row["rate"] is not None else 0 for row in rows],
            }
        ],
    }


def admin_attention(since: dt.datetime) -> dict:
    failed_jobs = db.session.scalars(
        sa.select(JobRun)
        .where(JobRun.outcome == "failed", JobRun.started_at >= since)
        .order_by(JobRun.id.desc())
        .limit(5)
    ).all()
    recent_work = db.session.scalars(sa.select(TaskRun).order_by(TaskRun.id.desc()).limit(5)).all()
    from hrapp.tasks.services import TASKS

    return {"failed_jobs": failed_jobs, "recent_work": recent_work, "task_kinds": TASKS}


def is_staff(user) -> bool:
    return user.role in (Role.ADMIN, Role.HR_CLERK)
