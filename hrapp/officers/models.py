from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrapp.core.audit import Audited, officer_page, record_page
from hrapp.core.db import EffectiveDatedMixin, TimestampMixin
from hrapp.core.idcard import mask
from hrapp.extensions import db

SEXES = {"M": _l("Male"), "F": _l("Female")}
STATUSES = {
    "active": _l("On duty"),  # 在岗
    "leave": _l("On leave"),  # 休假
    "suspended": _l("Suspended"),  # 停职
    "left": _l("Left"),  # 离职
}
EDUCATION = {
    "junior_high": _l("Junior high school"),
    "senior_high": _l("Senior high school / vocational"),
    "college": _l("College (大专)"),
    "bachelor": _l("Bachelor"),
    "master": _l("Master or above"),
}
POLITICAL_STATUS = {
    "cpc_member": _l("CPC member"),
    "cpc_probationary": _l("CPC probationary member"),
    "cyl_member": _l("Communist Youth League member"),
    "other_party": _l("Member of another party"),
    "masses": _l("No party affiliation (群众)"),
}


class Officer(Audited, TimestampMixin, db.Model):
    __tablename__ = "officers"
    __audit_officer__ = "id"
    __audit_masked__ = frozenset({"id_number"})
    __audit_label__ = _l("Officer")
    __audit_title__ = "name"
    __audit_link__ = record_page("officers.profile", "officer_id")
    __audit_choices__ = {
        "sex": SEXES,
        "education": EDUCATION,
        "political_status": POLITICAL_STATUS,
        "status": STATUSES,
    }
    __audit_fields__ = {
        "employee_no": _l("Employee no."),
        "name": _l("Name"),
        "sex": _l("Sex"),
        "id_number": _l("ID number"),
        "birth_date": _l("Birth date"),
        "phone": _l("Phone"),
        "education": _l("Education"),
        "political_status": _l("Political status"),
        "hire_date": _l("Hire date"),
        "contract_start": _l("Contract start"),
        "contract_end": _l("Contract end"),
        "status": _l("Employment status"),
        "street_id": _l("Employing street"),
        "version": _l("Record version"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_no: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(40), index=True)
    sex: Mapped[str] = mapped_column(sa.String(1))
    id_number: Mapped[str] = mapped_column(sa.String(18), unique=True)
    birth_date: Mapped[dt.date]
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    education: Mapped[str | None] = mapped_column(sa.String(20))
    political_status: Mapped[str | None] = mapped_column(sa.String(20))
    hire_date: Mapped[dt.date]
    contract_start: Mapped[dt.date | None]
    contract_end: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(sa.String(12), default="active", index=True)
    # The street office that employs the officer; HR clerks are scoped by it.
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("streets.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    street = relationship("Street", lazy="joined")
    postings = relationship("Posting", back_populates="officer", order_by="Posting.effective_from.desc()")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("sex IN ('M', 'F')", name="sex"),
        sa.CheckConstraint("status IN ('active', 'leave', 'suspended', 'left')", name="status"),
        sa.CheckConstraint(
            "contract_end IS NULL OR contract_start IS NULL OR contract_end > contract_start", name="contract_period"
        ),
    )

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number)

    @property
    def status_label(self) -> str:
        return str(STATUSES.get(self.status, self.status))

    @property
    def sex_label(self) -> str:
        return str(SEXES.get(self.sex, self.sex))

    @property
    def education_label(self) -> str:
        return str(EDUCATION.get(self.education, self.education or ""))

    @property
    def political_status_label(self) -> str:
        return str(POLITICAL_STATUS.get(self.political_status, self.political_status or ""))


class Posting(Audited, EffectiveDatedMixin, TimestampMixin, db.Model):
    """An officer serving a grid over [effective_from, effective_to). One grid, one officer:
    a grid has at most one primary posting at any time, and so has an officer."""

    __tablename__ = "postings"
    __audit_officer__ = "officer_id"
    __audit_label__ = _l("Grid posting")
    __audit_title__ = "grid.name"
    __audit_link__ = officer_page("officers.profile")
    __audit_fields__ = {
        "officer_id": _l("Officer"),
        "grid_id": _l("Grid"),
        "is_primary": _l("Primary posting"),
        "note": _l("Note"),
        "effective_from": _l("Effective from"),
        "effective_to": _l("Effective until"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grids.id"), index=True)
    is_primary: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    officer = relationship("Officer", back_populates="postings")
    grid = relationship("Grid", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("effective_to IS NULL OR effective_to > effective_from", name="period"),
        # The database backs the rule for open-ended postings; the service checks dated overlaps.
        sa.Index(
            "uq_postings_open_primary_grid",
            "grid_id",
            unique=True,
            sqlite_where=sa.text("effective_to IS NULL AND is_primary"),
            postgresql_where=sa.text("effective_to IS NULL AND is_primary"),
        ),
        sa.Index(
            "uq_postings_open_primary_officer",
            "officer_id",
            unique=True,
            sqlite_where=sa.text("effective_to IS NULL AND is_primary"),
            postgresql_where=sa.text("effective_to IS NULL AND is_primary"),
        ),
    )
