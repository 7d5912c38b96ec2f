"""Changes to the organisation tree. Codes are unique; a grid's code starts with its community's;
a grid's counts are never negative."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.core.permissions import can_edit_street
from hrapp.errors import Conflict, DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.org.models import Community, Grid, Street

GRID_FIELDS = (
    "code",
    "name",
    "grid_type",
    "households",
    "population",
    "housing_units",
    "entities",
    "facilities",
    "active",
)


def _code_taken(model, code: str, exclude_id: int | None) -> bool:
    stmt = sa.select(model.id).where(model.code == (code or "").strip())
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    return db.session.scalar(stmt) is not None


def save_street(street: Street | None, *, district_id: int, code: str, name: str) -> Street:
    if _code_taken(Street, code, street.id if street else None):
        raise Conflict(_("The code %(code)s is already used.", code=code), field="code")
    street = street or Street(district_id=district_id)
    db.session.add(street)
    street.code, street.name = code.strip(), name.strip()
    db.session.flush()
    return street


def save_community(community: Community | None, *, street_id: int, code: str, name: str, acting) -> Community:
    if not can_edit_street(acting, street_id):
        raise PermissionDenied(_("You may only change communities of your own street."))
    if _code_taken(Community, code, community.id if community else None):
        raise Conflict(_("The code %(code)s is already used.", code=code), field="code")
    community = community or Community()
    db.session.add(community)
    community.street_id, community.code, community.name = street_id, code.strip(), name.strip()
    db.session.flush()
    return community


def grid_code_matches(code: str, community_code: str) -> bool:
    """A grid's code is its community's code, '-', then the grid's own part (FT03-02 ▸ FT03-02-07),
    so a code tells where the grid lies. Grids saved before this rule keep their codes until
    their code or community changes."""
    prefix = f"{community_code}-"
    return code.startswith(prefix) and len(code) > len(prefix)


def save_grid(grid: Grid | None, *, community_id: int, acting, **values) -> Grid:
    community = db.session.get(Community, community_id)
    if community is None or not can_edit_street(acting, community.street_id):
        raise PermissionDenied(_("You may only change grids of your own street."))
    if _code_taken(Grid, values["code"], grid.id if grid else None):
        raise Conflict(_("The code %(code)s is already used.", code=values["code"]), field="code")
    if grid is not None and grid.community_id != community_id:
        old_street = db.session.scalar(sa.select(Community.street_id).where(Community.id == grid.community_id))
        if old_street != community.street_id:
            # Postings, scoping and funding hang on the street: a grid never changes street.
            raise DomainError(
                _("A grid cannot move to another street; retire it and create a new grid there."), field="community_id"
            )
    code = (values.get("code") or "").strip()
    if (grid is None or grid.code != code or grid.community_id != community_id) and not grid_code_matches(
        code, community.code
    ):
        raise DomainError(
            _(
                "A grid's code starts with its community's code: %(prefix)s followed by the grid's number.",
                prefix=f"{community.code}-",
            ),
            field="code",
        )
    grid = grid or Grid()
    db.session.add(grid)
    grid.community_id = community_id
    for field in GRID_FIELDS:
        if field in values:
            setattr(grid, field, values[field].strip() if isinstance(values[field], str) else values[field])
    db.session.flush()
    return grid
