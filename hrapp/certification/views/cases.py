"""Promotion candidates and cases: propose, edit, decide, reverse."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.certification import queries, rules, services
from hrapp.certification.forms import (
    CaseEditForm,
    CaseForm,
    DecisionForm,
    ReversalForm,
)
from hrapp.certification.models import CASE_STATUSES, Tier
from hrapp.certification.views.common import (
    ADMIN,
    ListPagination,
    _case_or_404,
    _flash_form_errors,
    _page_size,
    _tier_choices,
    bp,
)
from hrapp.core.db import today
from hrapp.core.forms import commit_or_refuse
from hrapp.core.permissions import STAFF, can_edit_officer, role_required
from hrapp.extensions import db
from hrapp.officers import queries as officer_queries

# --- candidates --------------------------------------------------------------------------------


@bp.route("/candidates")
@role_required(*STAFF)
def candidates():
    """Who is eligible for the next tier now, and who will be within N months (near-misses)."""
    streets = officer_queries.street_choices(current_user)
    street_id = request.args.get("street_id", type=int)
    if current_user.street_id:
        street_id = current_user.street_id
    months = min(max(request.args.get("months", 6, type=int) or 6, 1), 36)
    view = request.args.get("view") if request.args.get("view") in ("eligible", "upcoming") else "eligible"
    q = (request.args.get("q") or "").strip()
    on = today()
    result = queries.candidates(current_user, on, street_id=street_id, months=months, q=q)
    page = ListPagination(
        result.eligible if view == "eligible" else result.upcoming, request.args.get("page", type=int), _page_size()
    )
    page.items = queries.candidate_details(page.items, on)  # evidence for the rows shown only
    return render_template(
        "certification/candidates.html",
        result=result,
        page=page,
        in_progress=queries.changes_in_progress([item.officer_id for item in page.items], on),
        view=view,
        months=months,
        q=q,
        street_id=street_id,
        streets=streets,
        on=on,
    )


# --- promotion cases ---------------------------------------------------------------------------


@bp.route("/cases")
@role_required(*STAFF)
def cases():
    status = request.args.get("status") if request.args.get("status") in CASE_STATUSES else ""
    q = (request.args.get("q") or "").strip()
    page = db.paginate(
        queries.cases(current_user, status=status, q=q), per_page=_page_size(), error_out=False, max_per_page=None
    )
    return render_template("certification/cases.html", page=page, status=status, q=q, statuses=CASE_STATUSES)


@bp.route("/officers/<int:officer_id>/cases/new", methods=["GET", "POST"])
@role_required(*STAFF)
def case_new(officer_id: int):
    officer = officer_queries.editable_officer_or_403(current_user, officer_id)
    on = today()
    current = services.tier_on(officer.id, on)
    form = CaseForm()
    form.to_tier_id.choices = _tier_choices()
    if request.method == "GET":
        form.effective_on.data = on
        kind = request.args.get("kind", "promotion")
        form.kind.data = kind if kind in ("promotion", "demotion") else "promotion"
        if current is not None:
            step = -1 if form.kind.data == "demotion" else 1
            target = next((t for t in queries.tiers() if t.ordinal == current.tier.ordinal + step), None)
            if target is not None:
                form.to_tier_id.data = target.id
    if form.validate_on_submit():
        ok, case = commit_or_refuse(
            form,
            lambda: services.propose_case(
                officer,
                kind=form.kind.data,
                to_tier=db.session.get(Tier, form.to_tier_id.data),
                to_step=form.to_step.data,
                effective_on=form.effective_on.data,
                reason=form.reason.data,
                acting=current_user,
            ),
        )
        if ok:
            flash(_("Case proposed; an administrator will decide."), "success")
            return redirect(url_for("certification.case_detail", case_id=case.id))
    return render_template(
        "certification/case_form.html",
        officer=officer,
        form=form,
        current=current,
        in_progress=queries.changes_in_progress([officer.id], on).get(officer.id),
        eligibility=rules.eligibility_of(officer.id, on),
    )


@bp.route("/cases/<int:case_id>")
@role_required(*STAFF)
def case_detail(case_id: int):
    case = _case_or_404(case_id)
    reversals = [c for c in queries.officer_cases(case.officer_id) if c.reverses_id == case.id]
    return render_template(
        "certification/case_detail.html",
        case=case,
        decision_form=DecisionForm(formdata=None),
        reversals=reversals,
        can_edit=can_edit_officer(current_user, case.officer),
    )


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def case_edit(case_id: int):
    case = _case_or_404(case_id)
    if not can_edit_officer(current_user, case.officer):
        abort(403)
    if case.locked:
        flash(_("This case has been decided and is locked; propose a new case instead."), "warning")
        return redirect(url_for("certification.case_detail", case_id=case.id))
    form = CaseEditForm(obj=case)
    if form.validate_on_submit():
        ok, _result = commit_or_refuse(
            form,
            lambda: services.update_case(
                case, effective_on=form.effective_on.data, reason=form.reason.data, acting=current_user
            ),
        )
        if ok:
            flash(_("Case saved."), "success")
            return redirect(url_for("certification.case_detail", case_id=case.id))
    return render_template("certification/case_edit.html", case=case, form=form)


@bp.route("/cases/<int:case_id>/decide", methods=["POST"])
@role_required(*ADMIN)
def case_decide(case_id: int):
    case = _case_or_404(case_id)
    form = DecisionForm()
    if form.validate_on_submit():
        ok, _result = commit_or_refuse(
            None,
            lambda: services.decide_case(
                case, approve=form.decision.data == "approve", comment=form.comment.data, acting=current_user
            ),
        )
        if ok:
            flash(_("Decision recorded."), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("certification.case_detail", case_id=case_id))


@bp.route("/cases/<int:case_id>/reverse", methods=["GET", "POST"])
@role_required(*STAFF)
def case_reverse(case_id: int):
    original = _case_or_404(case_id)
    if not can_edit_officer(current_user, original.officer):
        abort(403)
    form = ReversalForm()
    if request.method == "GET":
        form.effective_on.data = today()
    if form.validate_on_submit():
        ok, case = commit_or_refuse(
            form,
            lambda: services.propose_reversal(
                original, effective_on=form.effective_on.data, reason=form.reason.data, acting=current_user
            ),
        )
        if ok:
            flash(_("Reversal proposed; an administrator will decide."), "success")
            return redirect(url_for("certification.case_detail", case_id=case.id))
    return render_template("certification/case_reverse.html", original=original, form=form)
