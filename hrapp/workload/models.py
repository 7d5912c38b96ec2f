"""Reference data (categories, sources, source systems, calendar), cases and daily work records.

Volume: a city produces 10–15 M cases a year, so a case row is kept narrow (small integer codes,
foreign keys, timestamps) and indexed for period queries: by report time alone and with the grid,
the handling officer and the reporting officer in front (the report-time index carries the columns
the measures read, so a period's aggregates never touch the table). On PostgreSQL the table is deliberately
not partitioned by month: a partitioned table's unique keys must contain the partition column, so
the platform's natural key (source system, external id) could no longer be enforced, and a later
export may move a case's report time. The `reported_at`-leading B-tree indexes give the month
queries their range scans instead.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrapp.core.audit import Audited
from hrapp.core.db import TimestampMixin
from hrapp.extensions import db

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

LIMIT_UNITS = {"hours": _l("working hours"), "days": _l("working days")}
CALENDAR_KINDS = {"holiday": _l("Public holiday"), "workday": _l("Make-up workday")}

# Current state of a case; each state's time is its own column.
STATUSES = {
    "reported": _l("Reported"),
    "accepted": _l("Accepted"),
    "dispatched": _l("Dispatched"),
    "handled": _l("Handled"),
    "closed": _l("Closed"),
    "rejected": _l("Rejected"),
    "merged": _l("Merged"),
    "rework": _l("Rework"),
}
SUPERVISION = {0: _l("None"), 1: _l("Yellow card"), 2: _l("Red card")}  # 黄牌 / 红牌督办
SUPERVISION_CODES = {"": 0, "none": 0, "yellow": 1, "red": 2, "黄牌": 1, "红牌": 2, "0": 0, "1": 1, "2": 2}
RATINGS = {3: _l("Satisfied"), 2: _l("Average"), 1: _l("Unsatisfied")}  # 满意 / 一般 / 不满意
RATING_CODES = {"": None, "satisfied": 3, "average": 2, "unsatisfied": 1, "满意": 3, "一般": 2, "不满意": 1}
RATING_CODES.update({"3": 3, "2": 2, "1": 1})


class SourceSystem(Audited, TimestampMixin, db.Model):
    """A platform that sends cases (the district's 统一分拨平台, a city platform…): external ids
    are unique per source system."""

    __tablename__ = "source_systems"
    __audit_label__ = _l("Source system")
    __audit_title__ = "name"
    __audit_fields__ = {"code": _l("Code"), "name": _l("Name"), "active": _l("Active")}

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    active: Mapped[bool] = mapped_column(default=True)


class CaseSource(Audited, db.Model):
    """How a case was found: 巡查发现, 群众举报, 随手拍, 上级交办, 热线."""

    __tablename__ = "case_sources"
    __audit_label__ = _l("Case source")
    __audit_title__ = "name"
    __audit_fields__ = {"code": _l("Code"), "name": _l("Name"), "officer_found": _l("Found by the officer")}

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    # Found by the officer themself on patrol (counts towards their own reports).
    officer_found: Mapped[bool] = mapped_column(default=False)


class CaseCategory(Audited, TimestampMixin, db.Model):
    """Two levels (e.g. 市容环境 ▸ 暴露垃圾). A case names a second-level category; its time limit
    (in working hours or working days) sets the deadline."""

    __tablename__ = "case_categories"
    __audit_label__ = _l("Case category")
    __audit_title__ = "name"
    __audit_choices__ = {"limit_unit": LIMIT_UNITS}
    __audit_fields__ = {
        "parent_id": _l("Parent category"),
        "code": _l("Code"),
        "name": _l("Name"),
        "limit_value": _l("Time limit"),
        "limit_unit": _l("Time limit unit"),
        "active": _l("Active"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_categories.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    limit_value: Mapped[int | None]
    limit_unit: Mapped[str | None] = mapped_column(sa.String(5))
    active: Mapped[bool] = mapped_column(default=True)

    parent = relationship("CaseCategory", remote_side=[id])

    __table_args__ = (
        sa.CheckConstraint("limit_unit IS NULL OR limit_unit IN ('hours', 'days')", name="limit_unit"),
        sa.CheckConstraint("limit_value IS NULL OR limit_value > 0", name="limit_value"),
    )


class CalendarDay(Audited, db.Model):
    """An exception to the Monday–Friday week: a public holiday on a weekday, or a make-up workday
    (调休上班) on a weekend. Published yearly by the State Council, kept as data."""

    __tablename__ = "calendar_days"
    __audit_label__ = _l("Calendar day")
    __audit_title__ = "day"
    __audit_choices__ = {"kind": CALENDAR_KINDS}
    __audit_fields__ = {"kind": _l("Type"), "name": _l("Name")}

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(40), default="")

    __table_args__ = (sa.CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),)


class Case(db.Model):
    """One case (事件) from a source system. Not audited row by row (bulk-written by the staged
    import and the API, which the audit listener does not see): the platform is the record of its
    history; imports and API calls are the unit of change."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_system_id: Mapped[int] = mapped_column(sa.ForeignKey("source_systems.id"))
    external_id: Mapped[str] = mapped_column(sa.String(40))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("case_categories.id"))
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("case_sources.id"))
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grids.id"))
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"))
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"))
    status: Mapped[str] = mapped_column(sa.String(10))
    reported_at: Mapped[dt.datetime]
    accepted_at: Mapped[dt.datetime | None]
    dispatched_at: Mapped[dt.datetime | None]
    handled_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    rejected_at: Mapped[dt.datetime | None]
    merged_at: Mapped[dt.datetime | None]
    reworked_at: Mapped[dt.datetime | None]
    reopened_at: Mapped[dt.datetime | None]  # 不满意重办
    rework_count: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    deadline_at: Mapped[dt.datetime | None]
    supervision: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    rating: Mapped[int | None] = mapped_column(sa.SmallInteger)

    category = relationship("CaseCategory")

    __table_args__ = (
        sa.UniqueConstraint("source_system_id", "external_id"),
        # The period index covers every column the measures read, so a period's aggregates are an
        # index-only range scan (no table lookup per case); it replaces a bare reported_at index.
        sa.Index(
            "ix_cases_period",
            "reported_at",
            "handler_id",
            "reporter_id",
            "grid_id",
            "status",
            "closed_at",
            "deadline_at",
            "rework_count",
            "rating",
        ),
        sa.Index("ix_cases_handler_reported", "handler_id", "reported_at"),
        sa.Index("ix_cases_reporter_reported", "reporter_id", "reported_at"),
        sa.Index("ix_cases_grid_reported", "grid_id", "reported_at"),
        sa.CheckConstraint(
            "status IN ('reported', 'accepted', 'dispatched', 'handled', 'closed', 'rejected', 'merged', 'rework')",
            name="status",
        ),
        sa.CheckConstraint("supervision IN (0, 1, 2)", name="supervision"),
        sa.CheckConstraint("rating IS NULL OR rating IN (1, 2, 3)", name="rating"),
        sa.CheckConstraint("rework_count >= 0", name="rework_count"),
    )


class WorkRecord(db.Model):
    """One officer's day: 四实 items collected by type, household visits (入户走访), patrol time.
    Not audited: bulk-written by imports from the source systems, which keep their history."""

    __tablename__ = "work_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id"))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    population_items: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    housing_items: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    entity_items: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    facility_items: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    visits: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    patrol_minutes: Mapped[int] = mapped_column(sa.SmallInteger, default=0)

    __table_args__ = (
        sa.UniqueConstraint("officer_id", "day"),
        sa.Index("ix_work_records_day", "day"),
        sa.CheckConstraint(
            "population_items >= 0 AND housing_items >= 0 AND entity_items >= 0 AND facility_items >= 0"
            " AND visits >= 0 AND patrol_minutes >= 0",
            name="counts_not_negative",
        ),
    )
