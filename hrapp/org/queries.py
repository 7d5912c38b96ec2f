"""Read side of the organisation: the tree with totals computed in SQL."""

from __future__ import annotations

import sqlalchemy as sa

from hrapp.core.permissions import street_scope
from hrapp.extensions import db
from hrapp.org.models import Community, Grid, Street


def visible_streets(user):
    return db.session.scalars(sa.select(Street).where(street_scope(user, Street.id)).order_by(Street.code)).all()


def street_totals(user) -> list[dict]:
    """Per street: communities, grids and 四实 totals, one GROUP BY query."""
    stmt = (
        sa.select(
            Street.id,
            Street.code,
            Street.name,
            sa.func.count(sa.distinct(Community.id)).label("communities"),
            sa.func.count(Grid.id).label("grids"),
            sa.func.coalesce(sa.func.sum(Grid.households), 0).label("households"),
            sa.func.coalesce(sa.func.sum(Grid.population), 0).label("population"),
            sa.func.coalesce(sa.func.sum(Grid.housing_units), 0).label("housing_units"),
            sa.func.coalesce(sa.func.sum(Grid.entities), 0).label("entities"),
            sa.func.coalesce(sa.func.sum(Grid.facilities), 0).label("facilities"),
        )
        .outerjoin(Community, Community.street_id == Street.id)
        .outerjoin(Grid, Grid.community_id == Community.id)
        .where(street_scope(user, Street.id))
        .group_by(Street.id, Street.code, Street.name)
        .order_by(Street.code)
    )
    return [row._asdict() for row in db.session.execute(stmt)]


def community_totals(street_id: int) -> list[dict]:
    stmt = (
        sa.select(
            Community.id,
            Community.code,
            Community.name,
            sa.func.count(Grid.id).label("grids"),
            sa.func.coalesce(sa.func.sum(Grid.households), 0).label("households"),
            sa.func.coalesce(sa.func.sum(Grid.population), 0).label("population"),
        )
        .outerjoin(Grid, Grid.community_id == Community.id)
        .where(Community.street_id == street_id)
        .group_by(Community.id, Community.code, Community.name)
        .order_by(Community.code)
    )
    return [row._asdict() for row in db.session.execute(stmt)]


def grid_choices(user, active_only: bool = True) -> list[tuple[int, str]]:
    stmt = (
        sa.select(Grid.id, Grid.code, Grid.name)
        .join(Community)
        .where(street_scope(user, Community.street_id))
        .order_by(Grid.code)
    )
    if active_only:
        stmt = stmt.where(Grid.active.is_(True))
    return [(row.id, f"{row.code} {row.name}") for row in db.session.execute(stmt)]
