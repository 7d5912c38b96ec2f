"""Browse and edit the organisation tree."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.core.forms import commit_or_refuse
from hrapp.core.permissions import READ_OFFICERS, STAFF, Role, can_edit_street, role_required, street_scope
from hrapp.extensions import db
from hrapp.org import queries, services
from hrapp.org.forms import CommunityForm, GridForm, StreetForm
from hrapp.org.models import Community, District, Grid, Street

bp = Blueprint("org", __name__, url_prefix="/org")


def _visible_street_or_404(street_id: int) -> Street:
    street = db.session.scalar(sa.select(Street).where(Street.id == street_id, street_scope(current_user, Street.id)))
    if street is None:
        abort(404)
    return street


@bp.route("/")
@role_required(*READ_OFFICERS)
def tree():
    return render_template("org/tree.html", streets=queries.street_totals(current_user))


@bp.route("/streets/<int:street_id>")
@role_required(*READ_OFFICERS)
def street(street_id: int):
    street = _visible_street_or_404(street_id)
    return render_template(
        "org/street.html",
        street=street,
        communities=queries.community_totals(street.id),
        can_edit=can_edit_street(current_user, street.id),
    )


@bp.route("/communities/<int:community_id>")
@role_required(*READ_OFFICERS)
def community(community_id: int):
    community = db.get_or_404(Community, community_id)
    _visible_street_or_404(community.street_id)
    return render_template(
        "org/community.html",
        community=community,
        grids=community.grids,
        can_edit=can_edit_street(current_user, community.street_id),
    )


@bp.route("/streets/new", methods=["GET", "POST"])
@bp.route("/streets/<int:street_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def street_form(street_id: int | None = None):
    street = db.get_or_404(Street, street_id) if street_id else None
    form = StreetForm(obj=street)
    form.district_id.choices = [(d.id, d.name) for d in db.session.scalars(sa.select(District).order_by(District.code))]
    if form.validate_on_submit():
        ok, saved = commit_or_refuse(
            form,
            lambda: services.save_street(
                street, district_id=form.district_id.data, code=form.code.data, name=form.name.data
            ),
        )
        if ok:
            flash(_("Street %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("org.street", street_id=saved.id))
    return render_template("org/form.html", form=form, title=_("Street"), back=url_for("org.tree"))


@bp.route("/communities/new", methods=["GET", "POST"])
@bp.route("/communities/<int:community_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def community_form(community_id: int | None = None):
    community = db.get_or_404(Community, community_id) if community_id else None
    if community:
        _visible_street_or_404(community.street_id)
    form = CommunityForm(obj=community)
    streets = [s for s in queries.visible_streets(current_user) if can_edit_street(current_user, s.id)]
    form.street_id.choices = [(s.id, s.name) for s in streets]
    if request.method == "GET" and not community and request.args.get("street_id", type=int):
        form.street_id.data = request.args.get("street_id", type=int)
    if form.validate_on_submit():
        ok, saved = commit_or_refuse(
            form,
            lambda: services.save_community(
                community, street_id=form.street_id.data, code=form.code.data, name=form.name.data, acting=current_user
            ),
        )
        if ok:
            flash(_("Community %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("org.community", community_id=saved.id))
    return render_template("org/form.html", form=form, title=_("Community"), back=url_for("org.tree"))


@bp.route("/grids/new", methods=["GET", "POST"])
@bp.route("/grids/<int:grid_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def grid_form(grid_id: int | None = None):
    grid = db.get_or_404(Grid, grid_id) if grid_id else None
    if grid:
        _visible_street_or_404(grid.community.street_id)
    form = GridForm(obj=grid)
    communities = db.session.scalars(
        sa.select(Community).where(street_scope(current_user, Community.street_id)).order_by(Community.code)
    ).all()
    form.community_id.choices = [
        (c.id, f"{c.code} {c.name}") for c in communities if can_edit_street(current_user, c.street_id)
    ]
    if request.method == "GET" and not grid and request.args.get("community_id", type=int):
        form.community_id.data = request.args.get("community_id", type=int)
    if form.validate_on_submit():
        values = {field: getattr(form, field).data for field in services.GRID_FIELDS}
        ok, saved = commit_or_refuse(
            form, lambda: services.save_grid(grid, community_id=form.community_id.data, acting=current_user, **values)
        )
        if ok:
            flash(_("Grid %(code)s saved.", code=saved.code), "success")
            return redirect(url_for("org.community", community_id=saved.community_id))
    return render_template("org/form.html", form=form, title=_("Grid"), back=url_for("org.tree"))
