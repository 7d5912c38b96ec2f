"""Domain errors raised by services, and the HTTP error handlers (HTML pages, JSON under /api)."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
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


def _render(status: int, message: str, headers: dict | None = None):
    if _wants_json():
        return jsonify({"error": {"status": status, "message": message}}), status, headers or {}
    return render_template("errors/error.html", status=status, message=message), status, headers or {}


def _database_busy(error: OperationalError) -> bool:
    """SQLite's 'database is locked' (a writer held the file past busy_timeout) and PostgreSQL's
    lock and serialization failures: the request may simply be tried again."""
    text = str(getattr(error, "orig", error)).lower()
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    return "database is locked" in text or "database table is locked" in text or code in {"40001", "40P01", "55P03"}


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
            413: _(
                "The uploaded file is too large: the limit is %(limit)d MB.",
                limit=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024),
            ),
            429: _("Too many attempts. Please wait a moment and try again."),
        }
        return _render(error.code or 500, messages.get(error.code, error.description or ""))

    @app.errorhandler(StaleDataError)
    def stale_data(error: StaleDataError):
        # Two saves of the same versioned record raced; the later one must not overwrite.
        db.session.rollback()
        return _render(
            409, _("Someone else changed this record while you were editing it. Reload it and make your change again.")
        )

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # Services check uniqueness first; a violation here means another request saved the same
        # key between that check and this commit.
        db.session.rollback()
        current_app.logger.warning("constraint violated at commit: %s", error)
        return _render(
            409, _("Someone else changed this record while you were editing it. Reload it and make your change again.")
        )

    @app.errorhandler(OperationalError)
    def operational_error(error: OperationalError):
        db.session.rollback()
        if not _database_busy(error):
            raise error
        current_app.logger.warning("database busy: %s", error)
        return _render(503, _("The system is busy. Please try again in a moment."), {"Retry-After": "5"})

    @app.errorhandler(DataError)
    def data_error(error: DataError):
        # The last guard behind the forms' validators: a value the column cannot hold.
        db.session.rollback()
        current_app.logger.warning("value refused by the database: %s", error)
        return _render(400, _("A value is too long or out of range; nothing was saved."))

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return _render(500, _("An unexpected error occurred. It has been logged; please try again."))
