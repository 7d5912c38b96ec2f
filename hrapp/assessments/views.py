"""Assessment pages: a period's results (compute, batch issue), one result (review, issue, appeal,
decision, PDF), the schemes, and the public verification page of issued documents.

404 means the result does not exist or lies outside the user's scope (an officer sees only their
own issued results; another officer's id answers exactly like a missing one); 403 means the user's
role may not do this at all. The inspector has no part in assessments.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.assessments import documents, jobs, queries, services, sources
from hrapp.assessments.forms import AppealForm, ConfirmForm, DecisionForm, PeriodForm, ReviewForm
from hrapp.assessments.models import APPEAL_STATUSES, SCHEME_STATUSES, STATUSES
from hrapp.certification.models import GRADES
from hrapp.core.db import today
from hrapp.core.forms import commit_or_refuse
from hrapp.core.permissions import STAFF, Role, can_edit_officer, has_role, public, role_required
from hrapp.errors import DomainError
from hrapp.officers import panels
from hrapp.officers import queries as officer_queries

bp = Blueprint("assessments", __name__)
READERS = (Role.ADMIN, Role.HR_CLERK, Role.OFFICER)
assert jobs  # the batch-issue task kind registers on import


def _default_period() -> str:
    first = today().replace(day=1) - dt.timedelta(days=1)
    return first.strftime("%Y-%m")


def _street_arg(choices) -> int | None:
    raw = request.values.get("street_id", "")
    allowed = {str(street_id): street_id for street_id, _name in choices}
    return allowed.get(raw)


def _period_arg() -> str | None:
    try:
        return services.parse_period(request.values.get("period") or _default_period())[0]
    except DomainError:
        return None


def _form(choices, period):
    form = PeriodForm(formdata=None, period=period)
    form.street_id.choices = [("", _("Whole district"))] + [(str(i), name) for i, name in choices]
    form.street_id.data = request.values.get("street_id", "")
    return form


def _context(assessment):
    return {
        "statuses": STATUSES,
        "grades": GRADES,
        "appeal_statuses": APPEAL_STATUSES,
        "workload_source": sources.workload_source_registered(),
    }


@bp.route("/assessments/")
@role_required(*STAFF)
def index():
    choices = officer_queries.street_choices(current_user)
    period = _period_arg()
    if period is None:
        flash(_("Enter a period as 2026-10 (month), 2026-Q4 (quarter) or 2026 (year)."), "danger")
        period = _default_period()
    street_id = _street_arg(choices)
    page = queries.period_page(current_user, period, street_id, page=request.args.get("page", 1, type=int))
    return render_template(
        "assessments/index.html",
        form=_form(choices, period),
        period=period,
        street_id=street_id,
        page=page,
        summary=queries.period_summary(current_user, period, street_id),
        confirm=ConfirmForm(formdata=None),
        **_context(None),
    )


def _street_for_action(choices) -> tuple[bool, int | None]:
    """The street a compute or issue acts on; an HR clerk limited to a street acts only there."""
    street_id = _street_arg(choices)
    if current_user.street_id is not None and street_id != current_user.street_id:
        return False, None
    return True, street_id


@bp.route("/assessments/compute", methods=["POST"])
@role_required(*STAFF)
def compute():
    choices = officer_queries.street_choices(current_user)
    allowed, street_id = _street_for_action(choices)
    form = PeriodForm()
    if not allowed or not form.period.data:
        flash(_("Choose a period and your street."), "danger")
        return redirect(url_for("assessments.index"))
    return _start_task("assessments.compute", form.period.data, street_id)


def _start_task(kind: str, period: str, street_id: int | None):
    """A district's period takes seconds: it runs on a worker and the user watches its progress."""
    from hrapp.tasks import services as tasks

    try:
        period = services.parse_period(period)[0]
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("assessments.index"))
    ok, run = commit_or_refuse(
        None, lambda: tasks.start(kind, {"period": period, "street_id": street_id}, acting=current_user)
    )
    if not ok:
        return redirect(url_for("assessments.index", period=period))
    if not tasks.enqueue(run):
        flash(_("The work is queued and starts when a worker is available."), "warning")
    return redirect(url_for("tasks.run", run_id=run.id))


@bp.route("/assessments/issue", methods=["POST"])
@role_required(*STAFF)
def issue_batch():
    choices = officer_queries.street_choices(current_user)
    allowed, street_id = _street_for_action(choices)
    period = _period_arg() if request.form.get("period") else None
    if not allowed or period is None:
        flash(_("Choose a period and your street."), "danger")
        return redirect(url_for("assessments.index"))
    return _start_task("assessments.issue", period, street_id)


def _visible_or_404(assessment_id: int):
    assessment = queries.visible_assessment(current_user, assessment_id)
    if assessment is None:
        abort(404)
    return assessment


def _staff_or_403(assessment) -> None:
    if not can_edit_officer(current_user, assessment.officer):
        abort(403)


@bp.route("/assessments/<int:assessment_id>")
@role_required(*READERS)
def detail(assessment_id: int):
    assessment = _visible_or_404(assessment_id)
    versions = queries.history(assessment)
    if has_role(current_user, Role.OFFICER):
        versions = [v for v in versions if v.status in queries.OFFICER_VISIBLE]
    review_form = ReviewForm(formdata=None, comment=assessment.review_comment, reason=assessment.adjustment_reason)
    return render_template(
        "assessments/detail.html",
        assessment=assessment,
        versions=versions,
        appeals=queries.appeals_of([v.id for v in versions]),
        review_form=review_form,
        confirm=ConfirmForm(formdata=None),
        appeal_form=AppealForm(formdata=None),
        decision_form=DecisionForm(formdata=None),
        own=has_role(current_user, Role.OFFICER),
        **_context(assessment),
    )


@bp.route("/assessments/<int:assessment_id>/review", methods=["POST"])
@role_required(*STAFF)
def review(assessment_id: int):
    assessment = _visible_or_404(assessment_id)
    _staff_or_403(assessment)
    form = ReviewForm()
    if form.validate():
        ok, _result = commit_or_refuse(
            form,
            lambda: services.review(
                assessment,
                comment=form.comment.data or "",
                adjustment=form.adjustment.data or 0,
                reason=form.reason.data or "",
            ),
        )
        if ok:
            flash(_("Review recorded."), "success")
            return redirect(url_for("assessments.detail", assessment_id=assessment.id))
    return render_template(
        "assessments/detail.html",
        assessment=assessment,
        versions=queries.history(assessment),
        appeals=queries.appeals_of([assessment.id]),
        review_form=form,
        confirm=ConfirmForm(formdata=None),
        appeal_form=AppealForm(formdata=None),
        decision_form=DecisionForm(formdata=None),
        own=False,
        **_context(assessment),
    ), 400


def _archive_settings() -> dict:
    return {"reports_dir": current_app.config["REPORTS_DIR"], "font_path": current_app.config.get("PDF_FONT_PATH")}


@bp.route("/assessments/<int:assessment_id>/issue", methods=["POST"])
@role_required(*STAFF)
def issue(assessment_id: int):
    assessment = _visible_or_404(assessment_id)
    _staff_or_403(assessment)
    ok, _result = commit_or_refuse(None, lambda: services.issue(assessment, **_archive_settings()))
    if ok:
        flash(_("Assessment issued; its PDF is archived."), "success")
    return redirect(url_for("assessments.detail", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/pdf")
@role_required(*READERS)
def pdf(assessment_id: int):
    """Exactly the archived bytes (their hash is the recorded one)."""
    assessment = _visible_or_404(assessment_id)
    document = assessment.document
    if document is None:
        abort(404)
    try:
        body = documents.read_archived(document, current_app.config["REPORTS_DIR"])
    except OSError:
        abort(404)
    response = current_app.response_class(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="assessment-{assessment.period}-v{assessment.version}-{document.code}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/assessments/<int:assessment_id>/appeal", methods=["POST"])
@role_required(Role.OFFICER)
def appeal(assessment_id: int):
    assessment = _visible_or_404(assessment_id)
    form = AppealForm()
    if not form.validate():
        flash(_("Give the reason for the appeal."), "danger")
        return redirect(url_for("assessments.detail", assessment_id=assessment.id))
    ok, _record = commit_or_refuse(None, lambda: services.appeal(assessment, reason=form.reason.data))
    if ok:
        flash(_("Appeal filed."), "success")
    return redirect(url_for("assessments.detail", assessment_id=assessment.id))


@bp.route("/assessments/appeals/<int:appeal_id>/decide", methods=["POST"])
@role_required(*STAFF)
def decide(appeal_id: int):
    record = queries.visible_appeal(current_user, appeal_id)
    if record is None:
        abort(404)
    assessment = queries.visible_assessment(current_user, record.assessment_id)
    _staff_or_403(assessment)
    form = DecisionForm()
    if not form.validate():
        flash(_("Choose an outcome and give the reasons for the decision."), "danger")
        return redirect(url_for("assessments.detail", assessment_id=assessment.id))
    ok, new = commit_or_refuse(
        None,
        lambda: services.decide_appeal(
            record,
            outcome=form.outcome.data,
            decision=form.decision.data,
            adjustment=form.adjustment.data or 0,
            **_archive_settings(),
        ),
    )
    if ok:
        flash(_("Appeal decided."), "success")
        if new is not None:
            return redirect(url_for("assessments.detail", assessment_id=new.id))
    return redirect(url_for("assessments.detail", assessment_id=assessment.id))


@bp.route("/assessments/schemes")
@role_required(*STAFF)
def schemes():
    return render_template(
        "assessments/schemes.html",
        schemes=queries.schemes(),
        scheme_statuses=SCHEME_STATUSES,
    )


@bp.route("/verify/<code>")
@public
def verify(code: str):
    """Confirms an issued document: its hash, version and status (valid / superseded), nothing
    about the person beyond what the document itself shows to whoever holds it."""
    document = documents.by_code(code)
    if document is None:
        return render_template("assessments/verify.html", document=None, status="unknown", code=code[:20]), 404
    status = "valid" if document.assessment.status == "issued" else "superseded"
    archived_hash = None
    with contextlib.suppress(OSError):
        archived_hash = hashlib.sha256(documents.read_archived(document, current_app.config["REPORTS_DIR"])).hexdigest()
    return render_template(
        "assessments/verify.html",
        document=document,
        status=status,
        code=document.code,
        intact=archived_hash == document.sha256,
    )


# --- /me and profile panel ---------------------------------------------------------------------


def _panel_context(officer, user):
    own = has_role(user, Role.OFFICER) and user.officer_id == officer.id
    if not (own or can_edit_officer(user, officer)):
        return None
    return {"officer": officer, "own": own, "results": queries.own_results(officer.id), "grades": GRADES}


panels.register_panel("assessments/_panel.html", _panel_context, order=30)

# The scheme editor and the summary documents register their routes on this blueprint.
from hrapp.assessments import scheme_views, summary_views  # noqa: E402,F401
