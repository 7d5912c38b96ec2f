"""The web side of every import: upload → dry-run report → confirm → write.

The checked file is kept under a random token (in INSTANCE_DIR/uploads, named in the user's
session) so that 'Import' applies exactly the file that was checked, without a second upload. A
kept file lives at most UPLOAD_MAX_AGE_SECONDS: every upload and confirmation sweeps older ones
away, and a user's new upload replaces their previous one.
Each domain's view supplies its ImportSpec, a session key naming the import and its target, where
to go when done, and how to render the page; this module owns the flow.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from pathlib import Path

from flask import current_app, flash, redirect, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField

from hrapp.core import importing, staged_import
from hrapp.core.forms import Form
from hrapp.extensions import db

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(Form):
    file = FileField(
        _l("File (.xlsx or .csv)"),
        validators=[FileRequired(), FileAllowed(["xlsx", "csv"], _l("Upload an .xlsx or .csv file."))],
    )
    dry_run = SubmitField(_l("Check file (dry run)"))


def _upload_dir() -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _max_age() -> int:
    return current_app.config["UPLOAD_MAX_AGE_SECONDS"]


def sweep_uploads(max_age: int | None = None) -> int:
    """Delete kept uploads older than `max_age` seconds; returns how many went."""
    limit = time.time() - (_max_age() if max_age is None else max_age)
    removed = 0
    for path in _upload_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another worker swept it first
            continue
    return removed


def sweep_expired_uploads(app) -> None:
    """The scheduled sweep, for the hours when nobody uploads anything."""
    sweep_uploads()


def _pending_path(pending: dict) -> Path:
    return _upload_dir() / f"{pending.get('token', '')}{Path(pending.get('filename', '')).suffix}"


def _run(spec, stream, filename: str, *, dry_run: bool):
    try:
        if isinstance(spec, staged_import.StagedImportSpec):
            return staged_import.run_staged_import(spec, stream, filename, dry_run=dry_run)
        return importing.run_import(spec, stream, filename, dry_run=dry_run)
    except importing.ImportFileError as error:
        flash(str(error), "danger")
        return None


def import_page(
    spec, *, key: str, done_url: str, render: Callable, expired_url: str, form_class: type[ImportForm] = ImportForm
):
    """Handle GET and POST of an import page. `render(form, report, token)` returns the page.
    `spec` is an ImportSpec (validated row by row) or a StagedImportSpec (streamed, set-based)."""
    form = form_class()
    report = token = None
    if request.method == "POST" and request.form.get("token"):
        sweep_uploads()
        pending = session.get("pending_import") or {}
        path = _pending_path(pending)
        if pending.get("token") != request.form["token"] or pending.get("key") != key or not path.is_file():
            session.pop("pending_import", None)
            flash(_("That import has expired; upload the file again."), "warning")
            return redirect(expired_url)
        # Changes that need the user's word (a name change…) are written only if ticked on the check page.
        spec.confirmed = frozenset(request.form.getlist("confirm"))
        with path.open("rb") as stream:
            report = _run(spec, stream, pending["filename"], dry_run=False)
        if report and report.ok:
            db.session.commit()
            path.unlink(missing_ok=True)
            session.pop("pending_import", None)
            flash(
                _(
                    "Import done: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
                    created=report.created,
                    updated=report.updated,
                    unchanged=report.unchanged,
                ),
                "success",
            )
            return redirect(done_url)
        db.session.rollback()
    elif form.validate_on_submit():
        upload = form.file.data
        report = _run(spec, upload.stream, upload.filename, dry_run=True)
        db.session.rollback()
        if report and report.ok:
            sweep_uploads()
            if session.get("pending_import"):
                _pending_path(session["pending_import"]).unlink(missing_ok=True)
            token = secrets.token_urlsafe(16)
            filename = upload.filename.lower()
            upload.stream.seek(0)
            upload.save(_upload_dir() / f"{token}{Path(filename).suffix}")
            session["pending_import"] = {"token": token, "filename": filename, "key": key}
    return render(form, report, token)


def spreadsheet_response(body: bytes, fmt: str, filename: str):
    """A download of an XLSX or CSV body built by core.importing."""
    # Flask adds "; charset=utf-8" to a text/* mimetype itself; naming it here doubled it.
    mimetype = XLSX_MIMETYPE if fmt == "xlsx" else "text/csv"
    return current_app.response_class(
        body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"}
    )
