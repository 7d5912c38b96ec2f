"""Certification on an officer: the profile panel (tier timeline, training, eligibility), tier
records and annual results."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.certification import queries, rules, services
from hrapp.certification.forms import (
    AnnualResultForm,
    TierRecordForm,
)
from hrapp.certification.models import Tier
from hrapp.certification.views.common import (
    _tier_choices,
    bp,
)
from hrapp.core.db import today
from hrapp.core.forms import commit_or_refuse
from hrapp.core.permissions import STAFF, Role, can_edit_officer, has_role, role_required
from hrapp.extensions import db
from hrapp.officers import panels
from hrapp.officers import queries as officer_queries
from hrapp.officers.models import Officer
from hrapp.training import queries as training_queries

# --- profile panel -----------------------------------------------------------------------------


def _panel_context(officer: Officer, user):
    own = has_role(user, Role.OFFICER) and user.officer_id == officer.id
    staff = has_role(user, Role.ADMIN, Role.HR_CLERK)
    if not (own or staff or has_role(user, Role.INSPECTOR)):
        return None
    on = today()
    records = queries.timeline(officer.id)
    current = next(
        (r for r in records if r.effective_from <= on and (r.effective_to is None or r.effective_to > on)), None
    )
    context = {"officer": officer, "records": records, "current": current, "own": own, "staff": staff}
    if own or staff:
        requirement = current.tier.annual_training_hours if current else None
        context.update(
            eligibility=rules.eligibility_of(officer.id, on),
            results=queries.annual_results(officer.id),
            hours_by_year=training_queries.hours_by_year(officer.id, officer.hire_date, on),
            requirement=requirement,
            attendance=training_queries.attendance_of(officer.id, limit=20),
            cases=queries.officer_cases(officer.id) if staff else [],
            in_progress=_in_progress_shown(officer, on, staff),
            can_edit=can_edit_officer(user, officer),
        )
    return context


def _in_progress_shown(officer: Officer, on, staff: bool):
    """HR sees any change under way; the officer sees only an approved one (a proposal is HR's)."""
    change = queries.changes_in_progress([officer.id], on).get(officer.id)
    return change if change is not None and (staff or change.status == "approved") else None


panels.register_panel("certification/_panel.html", _panel_context, order=20)


# --- tier records and annual results -----------------------------------------------------------


@bp.route("/officers/<int:officer_id>/tiers", methods=["GET", "POST"])
@role_required(*STAFF)
def officer_tiers(officer_id: int):
    officer = officer_queries.visible_officer_or_404(current_user, officer_id)
    editable = can_edit_officer(current_user, officer)
    form = TierRecordForm()
    form.tier_id.choices = _tier_choices()
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            tier = db.session.get(Tier, form.tier_id.data)
            ok, _result = commit_or_refuse(
                form,
                lambda: services.add_tier_record(
                    officer,
                    tier,
                    step=form.step.data,
                    start=form.start.data,
                    end=form.end.data,
                    reason=form.reason.data,
                    note=form.note.data,
                    acting=current_user,
                ),
            )
            if ok:
                flash(_("Tier record added."), "success")
                return redirect(url_for("certification.officer_tiers", officer_id=officer.id))
    return render_template(
        "certification/officer_tiers.html",
        officer=officer,
        form=form,
        editable=editable,
        records=queries.timeline(officer.id),
    )


@bp.route("/officers/<int:officer_id>/annual-results", methods=["GET", "POST"])
@role_required(*STAFF)
def officer_results(officer_id: int):
    officer = officer_queries.visible_officer_or_404(current_user, officer_id)
    editable = can_edit_officer(current_user, officer)
    form = AnnualResultForm()
    if request.method == "GET":
        form.year.data = today().year - 1
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            ok, _result = commit_or_refuse(
                form,
                lambda: services.record_annual_result(
                    officer, year=form.year.data, grade=form.grade.data, note=form.note.data, acting=current_user
                ),
            )
            if ok:
                flash(_("Annual result for %(year)d saved.", year=form.year.data), "success")
                return redirect(url_for("certification.officer_results", officer_id=officer.id))
    return render_template(
        "certification/officer_results.html",
        officer=officer,
        form=form,
        editable=editable,
        results=queries.annual_results(officer.id),
    )
