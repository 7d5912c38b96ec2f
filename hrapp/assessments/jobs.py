"""Computing and issuing a period, as background tasks (the web) or in the terminal (`flask
assessments compute|issue`): the same services. Issue renders on every core and is resumable: each
chunk commits, and a re-run selects only what is not issued yet (issuing.py); compute replaces its
own drafts, so a re-run changes nothing but the time of computation."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from hrapp.assessments import issuing, queries, services
from hrapp.extensions import db
from hrapp.tasks.services import register_task


@register_task("assessments.compute", _l("Compute the assessments of a period"))
def compute_period(params: dict, progress) -> dict:
    period, _start, _end = services.parse_period(str(params.get("period", "")))
    progress.start(1, period)
    summary = services.compute_period(period, params.get("street_id"))
    progress.advance(1, period)
    return {"period": summary["period"], "computed": summary["computed"]}


@register_task("assessments.issue", _l("Issue the assessments of a period"))
def issue_period(params: dict, progress) -> dict:
    """Render on every core (a process pool), record chunk by chunk; see issuing.py."""
    period, _start, _end = services.parse_period(str(params.get("period", "")))
    ids = list(db.session.scalars(queries.pending_for_issue(period, params.get("street_id"))))
    progress.start(len(ids), period)
    issued = issuing.issue_many(
        ids,
        reports_dir=current_app.config["REPORTS_DIR"],
        font_path=current_app.config.get("PDF_FONT_PATH"),
        workers=issuing.worker_count(current_app.config.get("ASSESSMENT_ISSUE_WORKERS")),
        advance=lambda n: progress.advance(n, period),
    )
    return {"period": period, "issued": issued}
