"""`/healthz`: liveness plus a database round trip, for the load balancer and monitoring."""

import sqlalchemy as sa
from flask import Blueprint, jsonify

from hrapp.core.permissions import public
from hrapp.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception as error:  # any driver error means "not healthy", never a 500 page
        db.session.rollback()
        return jsonify({"status": "error", "database": "unreachable", "detail": type(error).__name__}), 503
    return jsonify({"status": "ok", "database": "ok", "dialect": db.engine.dialect.name})
