"""The web side of every import: upload → dry-run report → confirm → write.

The checked file is kept under a random token (in INSTANCE_DIR/uploads, named in the user's
session) so that 'Import' applies exactly the file that was checked, without a second upload.
Each domain's view supplies its ImportSpec, a session key naming the import and its target, where
to go when done, and how to render the page; this module owns the flow.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from flask import current_app, flash, redirect, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField

from hrapp.core import importing, staged_import
from hrapp.extensions import db

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(FlaskForm):
    file = FileField(
        _l("File (.xlsx or .csv)"),
        validators=[FileRequired(), FileAllowed(["xlsx", "csv"], _l("Upload an .xlsx or .csv file."))],
    )
    dry_run = SubmitField(_l("Check file (dry run)"))


def _upload_dir() -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
        pending = session.get("pending_import") or {}
        path = _upload_dir() / f"{pending.get('token', '')}{Path(pending.get('filename', '')).suffix}"
        if pending.get("token") != request.form["token"] or pending.get("key") != key or not path.is_file():
            session.pop("pending_import", None)
            flash(_("That import has expired; upload the file again."), "warning")
            return redirect(expired_url)
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
            token = secrets.token_urlsafe(16)
            filename = upload.filename.lower()
            upload.stream.seek(0)
            upload.save(_upload_dir() / f"{token}{Path(filename).suffix}")
            session["pending_import"] = {"token": token, "filename": filename, "key": key}
    return render(form, report, token)


def spreadsheet_response(body: bytes, fmt: str, filename: str):
    """A download of an XLSX or CSV body built by core.importing."""
    mimetype = XLSX_MIMETYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    return current_app.response_class(
        body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"}
    )
