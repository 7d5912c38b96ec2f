"""Domain errors raised by services, and the HTTP error handlers (HTML pages, JSON under /api)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A business rule refused the change. The message is user-facing (already translated)."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Conflict(DomainError):
    """The record changed since the user loaded it, or a uniqueness rule is violated."""

    status_code = 409


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(status: int, message: str):
    if _wants_json():
        return jsonify({"error": {"status": status, "message": message}}), status
    return render_template("errors/error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    from hrapp.extensions import db

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        return _render(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have permission to open this page."),
            404: _("The page or record you asked for does not exist."),
            405: _("This action is not allowed here."),
            413: _("The uploaded file is too large."),
            429: _("Too many attempts. Please wait a moment and try again."),
        }
        return _render(error.code or 500, messages.get(error.code, error.description or ""))

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return _render(500, _("An unexpected error occurred. It has been logged; please try again."))
