"""Home page by role; an officer's own profile."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, redirect, render_template, session, url_for
from flask_login import current_user

from hrapp.core.db import today, utcnow
from hrapp.core.permissions import ALL_ROLES, Role, can_see_open_checks, role_required
from hrapp.extensions import db
from hrapp.integrity import queries as integrity_queries
from hrapp.me import dashboard
from hrapp.officers import panels
from hrapp.officers import queries as officer_queries
from hrapp.officers import services as officer_services

bp = Blueprint("me", __name__)


@bp.route("/")
@role_required(*ALL_ROLES)
def home():
    if current_user.role == Role.OFFICER:
        return _own_profile()
    on = today()
    grids, vacant = dashboard.grid_occupancy(current_user, on)
    context = {"officers_by_status": dashboard.officers_by_status(current_user), "grids": grids, "vacant": vacant}
    if dashboard.is_staff(current_user):
        context.update(
            pending=dashboard.pending(current_user, on),
            tier_mix=dashboard.tier_mix_chart(current_user, on),
            compliance=dashboard.compliance_chart(current_user, on),
        )
    if can_see_open_checks(current_user):
        context["integrity"] = integrity_queries.summary(current_user)
    if current_user.role == Role.ADMIN:
        context.update(dashboard.admin_attention(utcnow() - dt.timedelta(days=7)))
    return render_template("me/dashboard.html", **context)


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
    # Shown once after the (logged) reveal: the session holds only a flag, never the number.
    if session.pop(REVEALED_FLAG, None) == current_user.officer_id and current_user.officer_id:
        officer = officer_queries.get_visible_officer(current_user, current_user.officer_id)
        if officer is not None:
            return _own_profile(revealed_id=officer.id_number)
    return _own_profile()


REVEALED_FLAG = "me_id_revealed"


@bp.route("/me/reveal-id", methods=["POST"])
@role_required(Role.OFFICER)
def reveal_id():
    """Log the reveal, then redirect: the page that shows the number is a GET, so a refresh
    neither re-posts nor shows it again."""
    officer = officer_queries.get_visible_officer(current_user, current_user.officer_id or 0)
    if officer is None:
        abort(404)
    officer_services.reveal_id_number(officer, acting=current_user)
    db.session.commit()
    session[REVEALED_FLAG] = officer.id
    return redirect(url_for("me.profile"))
