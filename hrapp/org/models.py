from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrapp.core.audit import Audited, record_page
from hrapp.core.db import TimestampMixin
from hrapp.extensions import db

GRID_TYPES = {
    "residential": _l("Residential"),
    "commercial": _l("Commercial"),
    "urban_village": _l("Urban village"),
    "special": _l("Special"),
}


class District(Audited, db.Model):
    __tablename__ = "districts"
    __audit_label__ = _l("District")
    __audit_title__ = "name"
    __audit_fields__ = {"code": _l("Code"), "name": _l("Name")}

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))

    streets = relationship("Street", back_populates="district", order_by="Street.code")


class Street(Audited, db.Model):
    __tablename__ = "streets"
    __audit_label__ = _l("Street")
    __audit_title__ = "name"
    __audit_link__ = record_page("org.street", "street_id")
    __audit_fields__ = {"district_id": _l("District"), "code": _l("Code"), "name": _l("Street name")}

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))

    district = relationship("District", back_populates="streets")
    communities = relationship("Community", back_populates="street", order_by="Community.code")


class Community(Audited, db.Model):
    __tablename__ = "communities"
    __audit_label__ = _l("Community")
    __audit_title__ = "name"
    __audit_link__ = record_page("org.community", "community_id")
    __audit_fields__ = {"street_id": _l("Street"), "code": _l("Code"), "name": _l("Community name")}

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("streets.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))

    street = relationship("Street", back_populates="communities")
    grids = relationship("Grid", back_populates="community", order_by="Grid.code")


class Grid(Audited, TimestampMixin, db.Model):
    """A grid (网格) with its 四实 counts: 实有人口, 实有房屋, 实有单位, 实有设施."""

    __tablename__ = "grids"
    __audit_label__ = _l("Grid")
    __audit_title__ = "name"
    __audit_link__ = record_page("org.grid_form", "grid_id")
    __audit_choices__ = {"grid_type": GRID_TYPES}
    __audit_fields__ = {
        "community_id": _l("Community"),
        "code": _l("Code"),
        "name": _l("Grid name"),
        "grid_type": _l("Grid type"),
        "households": _l("Households"),
        "population": _l("Population (实有人口)"),
        "housing_units": _l("Housing units (实有房屋)"),
        "entities": _l("Entities (实有单位)"),
        "facilities": _l("Facilities (实有设施)"),
        "active": _l("In use"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    grid_type: Mapped[str] = mapped_column(sa.String(20), default="residential")
    households: Mapped[int] = mapped_column(default=0)
    population: Mapped[int] = mapped_column(default=0)
    housing_units: Mapped[int] = mapped_column(default=0)
    entities: Mapped[int] = mapped_column(default=0)
    facilities: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    community = relationship("Community", back_populates="grids")

    __table_args__ = (
        sa.CheckConstraint("grid_type IN ('residential', 'commercial', 'urban_village', 'special')", name="grid_type"),
        sa.CheckConstraint(
            "households >= 0 AND population >= 0 AND housing_units >= 0 AND entities >= 0 AND facilities >= 0",
            name="counts_not_negative",
        ),
    )

    @property
    def type_label(self) -> str:
        return str(GRID_TYPES.get(self.grid_type, self.grid_type))
