"""The user's notifications: the list, opening one (marks it read), marking all read."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from hrapp.core.permissions import ALL_ROLES, role_required
from hrapp.extensions import db
from hrapp.notifications import services

bp = Blueprint("notifications", __name__)


def _safe_link(link: str | None) -> str:
    """Links are stored paths of this site; anything else goes to the list."""
    if link and link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return url_for("notifications.index")


@bp.route("/notifications")
@role_required(*ALL_ROLES)
def index():
    unread_only = request.args.get("unread") == "1"
    page = db.paginate(
        services.for_user(current_user, unread_only=unread_only),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("notifications/index.html", page=page, unread_only=unread_only)


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@role_required(*ALL_ROLES)
def open_notification(notification_id: int):
    notification = services.mark_read(current_user, notification_id)
    if notification is None:
        abort(404)
    db.session.commit()
    return redirect(_safe_link(notification.link))


@bp.route("/notifications/read-all", methods=["POST"])
@role_required(*ALL_ROLES)
def read_all():
    services.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))
