from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrapp.core.audit import Audited
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

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))

    streets = relationship("Street", back_populates="district", order_by="Street.code")


class Street(Audited, db.Model):
    __tablename__ = "streets"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))

    district = relationship("District", back_populates="streets")
    communities = relationship("Community", back_populates="street", order_by="Community.code")


class Community(Audited, db.Model):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("streets.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))

    street = relationship("Street", back_populates="communities")
    grids = relationship("Grid", back_populates="community", order_by="Grid.code")


class Grid(Audited, TimestampMixin, db.Model):
    """A grid (网格) with its 四实 counts: 实有人口, 实有房屋, 实有单位, 实有设施."""

    __tablename__ = "grids"

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
