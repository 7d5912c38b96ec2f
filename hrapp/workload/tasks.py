"""Background work of the workload domain: the case import from the web runs on a worker.

The import page checks the file (dry run) in the request, then hands the kept upload to
`workload.import_cases`, which streams it through the staged import in batches, one transaction
each, reporting progress per batch. The upsert makes a re-run (a worker died half-way) harmless:
rows already written come out unchanged.
"""

from __future__ import annotations

import secrets
from itertools import islice
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hrapp.core import staged_import
from hrapp.core.importing import ImportFileError
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.tasks.services import register_task
from hrapp.workload.importing import case_import_spec

IMPORT_CASES = "workload.import_cases"
BATCH_ROWS = 50_000  # rows per transaction (and per progress report)
# SQLite has one writer at a time: a batch holds the write lock from its checks to its commit, and
# every request that writes meanwhile (an API batch, a login) waits. Smaller batches keep that wait
# short while an import runs beside the web workers; PostgreSQL locks only the rows it writes.
SQLITE_BATCH_ROWS = 2_000


def batch_rows() -> int:
    return min(BATCH_ROWS, SQLITE_BATCH_ROWS) if db.engine.dialect.name == "sqlite" else BATCH_ROWS


LISTED_ERRORS = 5  # problems named in a failed run's message


def upload_dir() -> Path:
    """Uploads handed to a worker: outside the page's kept uploads, which are swept by age while a
    queued import may still wait for a worker."""
    path = Path(current_app.config["INSTANCE_DIR"]) / "task-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_for_worker(path: Path) -> str:
    """Move a checked upload where the worker reads it; returns the name to pass in the params."""
    name = f"{secrets.token_urlsafe(16)}{path.suffix.lower()}"
    path.replace(upload_dir() / name)
    return name


def _kept_path(name: str) -> Path:
    # The name comes from the run's params: only a plain file name inside the upload folder.
    if not name or Path(name).name != name:
        raise DomainError(_("The uploaded file is no longer there; upload it again."))
    return upload_dir() / name


def _counted_rows(path: Path, filename: str) -> int:
    with path.open("rb") as stream:
        rows = staged_import.file_rows(stream, filename)
        return sum(1 for cells in islice(rows, 1, None) if cells and any(cells))


def _failure(report) -> DomainError:
    listed = "; ".join(
        f"{_('Row')} {error.row}: {error.column} {error.message}" for error in report.errors[:LISTED_ERRORS]
    )
    return DomainError(_("The file no longer passes the checks: %(problems)s", problems=listed))


@register_task(IMPORT_CASES, _l("Import cases"))
def import_cases(params: dict, progress) -> dict:
    """params: upload (kept file name), filename (as uploaded, for its type), source_system_id."""
    path = _kept_path(params.get("upload", ""))
    filename = params.get("filename", "")
    try:
        if not path.is_file():
            raise DomainError(_("The uploaded file is no longer there; upload it again."))
        try:
            progress.start(_counted_rows(path, filename), _("Reading the file"))
            spec = case_import_spec(int(params["source_system_id"]), db.session)
            result = {"inserted": 0, "updated": 0, "unchanged": 0, "rejected": 0}
            with path.open("rb") as stream:
                rows = staged_import.file_rows(stream, filename)
                header = next(rows, None)
                if not header:
                    raise DomainError(_("The file is empty."))
                first_row = 2
                size = batch_rows()
                while batch := list(islice(rows, size)):
                    report = staged_import.run_staged(spec, [header, *batch], dry_run=False, first_row=first_row)
                    if report.rejected or report.errors:
                        db.session.rollback()
                        raise _failure(report)
                    result["inserted"] += report.created
                    result["updated"] += report.updated
                    result["unchanged"] += report.unchanged
                    first_row += len(batch)
                    # Commits this batch with the progress.
                    progress.advance(report.total, _("Up to row %(row)d", row=first_row - 1))
        except ImportFileError as error:
            raise DomainError(str(error)) from error
        return result
    finally:
        path.unlink(missing_ok=True)
