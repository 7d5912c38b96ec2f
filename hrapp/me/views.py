"""Home page by role; an officer's own profile."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask_login import current_user

from hrapp.core.db import today
from hrapp.core.permissions import ALL_ROLES, Role, can_see_open_checks, officer_scope, role_required, street_scope
from hrapp.extensions import db
from hrapp.integrity import queries as integrity_queries
from hrapp.officers import panels
from hrapp.officers import queries as officer_queries
from hrapp.officers import services as officer_services
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Community, Grid

bp = Blueprint("me", __name__)


@bp.route("/")
@role_required(*ALL_ROLES)
def home():
    if current_user.role == Role.OFFICER:
        return _own_profile()
    on = today()
    officers_by_status = dict(
        db.session.execute(
            sa.select(Officer.status, sa.func.count())
            .where(officer_scope(current_user, Officer))
            .group_by(Officer.status)
        ).all()
    )
    grids = db.session.scalar(
        sa.select(sa.func.count(Grid.id))
        .join(Community)
        .where(Grid.active.is_(True), street_scope(current_user, Community.street_id))
    )
    served = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Posting.grid_id)))
        .join(Grid, Grid.id == Posting.grid_id)
        .join(Community)
        .where(Posting.is_primary.is_(True), Posting.valid_on(on), Grid.active.is_(True))
        .where(street_scope(current_user, Community.street_id))
    )
    return render_template(
        "me/dashboard.html",
        officers_by_status=officers_by_status,
        grids=grids or 0,
        vacant=(grids or 0) - (served or 0),
        integrity=integrity_queries.summary(current_user) if can_see_open_checks(current_user) else None,
    )


def _own_profile(revealed_id: str | None = None):
    officer = officer_queries.get_visible_officer(current_user, current_user.officer_id or 0)
    if officer is None:
        abort(404)
    return render_template(
        "me/profile.html",
        officer=officer,
        revealed_id=revealed_id,
        postings=officer_queries.posting_history(officer.id),
        panels=panels.render_context(officer, current_user),
    )


@bp.route("/me")
@role_required(Role.OFFICER)
def profile():
    return _own_profile()


@bp.route("/me/reveal-id", methods=["POST"])
@role_required(Role.OFFICER)
def reveal_id():
    officer = officer_queries.get_visible_officer(current_user, current_user.officer_id or 0)
    if officer is None:
        abort(404)
    number = officer_services.reveal_id_number(officer, acting=current_user)
    db.session.commit()
    return _own_profile(revealed_id=number)
