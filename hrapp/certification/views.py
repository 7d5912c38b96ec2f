"""Certification pages: candidates, cases, tier records, annual results, rules, annual steps and
mandatory course completion (per street, against each tier's mandatory courses).

404 means the record does not exist or lies outside the user's scope (no existence leak); 403
means the user may see it but not do this to it."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination

from hrapp.certification import queries, rules, services
from hrapp.certification.forms import (
    AnnualResultForm,
    AnnualStepForm,
    CaseEditForm,
    CaseForm,
    DecisionForm,
    ReversalForm,
    RuleSetForm,
    TierForm,
    TierRecordForm,
)
from hrapp.certification.models import CASE_STATUSES, GRADES, SEVERITIES, TIER_LABELS, Tier
from hrapp.core.db import paginate_rows, today
from hrapp.core.forms import commit_or_refuse, select_choices
from hrapp.core.http import int_arg
from hrapp.core.permissions import STAFF, Role, can_edit_officer, has_role, role_required
from hrapp.extensions import db
from hrapp.officers import panels
from hrapp.officers import queries as officer_queries
from hrapp.officers.models import Officer
from hrapp.training import queries as training_queries
from hrapp.training.models import COURSE_CATEGORIES

bp = Blueprint("certification", __name__, url_prefix="/certification")
ADMIN = (Role.ADMIN,)


class ListPagination(Pagination):
    """db.paginate's page object over a list already computed (the candidates)."""

    def __init__(self, items: list, page: int | None, per_page: int):
        self._all = items
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False)

    def _query_items(self) -> list:
        return self._all[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._all)


def _page_size() -> int:
    return current_app.config["PAGE_SIZE"]


def _case_or_404(case_id: int):
    case = queries.visible_case(current_user, case_id)
    if case is None:
        abort(404)
    return case


def _flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "danger")


def _tier_choices(exclude_probation: bool = False) -> list[tuple[int, str]]:
    return select_choices(
        (tier.id, tier.label) for tier in queries.tiers() if not (exclude_probation and tier.ordinal == 0)
    )


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


# --- rules, tiers, annual steps ----------------------------------------------------------------


@bp.route("/rules")
@role_required(*STAFF)
def rule_sets():
    on = today()
    return render_template(
        "certification/rules.html",
        tiers=queries.tiers(),
        rule_sets=queries.rule_sets(),
        in_force={rule.id for rule in rules.rules_in_force(on).values()},
        grades=GRADES,
        severities=SEVERITIES,
        categories=COURSE_CATEGORIES,
    )


@bp.route("/rules/defaults", methods=["POST"])
@role_required(*ADMIN)
def rule_defaults():
    created = services.ensure_defaults()
    db.session.commit()
    flash(
        _(
            "Defaults initialised: %(tiers)d tiers and %(rules)d rule sets created.",
            tiers=created["tiers"],
            rules=created["rule_sets"],
        ),
        "success",
    )
    return redirect(url_for("certification.rule_sets"))


@bp.route("/rules/<int:tier_id>/new", methods=["GET", "POST"])
@role_required(*ADMIN)
def rule_new(tier_id: int):
    tier = db.get_or_404(Tier, tier_id)
    if tier.ordinal == 0:
        abort(404)
    current = rules.rules_in_force(today()).get(tier.id)
    form = RuleSetForm(obj=current) if request.method == "GET" and current else RuleSetForm()
    if request.method == "GET":
        form.effective_from.data = today()
        if current:
            form.course_category.data = current.course_category or ""
            form.note.data = ""
    if form.validate_on_submit():
        ok, _result = commit_or_refuse(
            form,
            lambda: services.new_rule_version(
                tier, form.values(), effective_from=form.effective_from.data, acting=current_user
            ),
        )
        if ok:
            flash(_("New rule version saved."), "success")
            return redirect(url_for("certification.rule_sets"))
    return render_template("certification/rule_form.html", tier=tier, form=form, current=current)


@bp.route("/tiers/<int:tier_id>/edit", methods=["GET", "POST"])
@role_required(*ADMIN)
def tier_edit(tier_id: int):
    tier = db.get_or_404(Tier, tier_id)
    form = TierForm(obj=tier)
    if form.validate_on_submit():
        ok, _result = commit_or_refuse(
            form,
            lambda: services.update_tier(
                tier,
                annual_training_hours=form.annual_training_hours.data,
                max_step=form.max_step.data,
                acting=current_user,
            ),
        )
        if ok:
            flash(_("Tier saved."), "success")
            return redirect(url_for("certification.rule_sets"))
    return render_template("certification/tier_form.html", tier=tier, form=form)


@bp.route("/annual-steps")
@role_required(*ADMIN)
def annual_steps():
    grade_year = int_arg("grade_year", low=2000, high=2100) or today().year - 1
    form = AnnualStepForm(formdata=None, grade_year=grade_year)
    page = paginate_rows(
        services.annual_step_candidates(grade_year),
        page=request.args.get("page", type=int),
        per_page=_page_size(),
    )
    return render_template("certification/annual_steps.html", page=page, form=form, grade_year=grade_year)


@bp.route("/annual-steps", methods=["POST"])
@role_required(*ADMIN)
def annual_steps_apply():
    form = AnnualStepForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(url_for("certification.annual_steps"))
    run = services.grant_annual_steps(form.grade_year.data, acting=current_user)
    db.session.commit()
    if run is None:
        flash(_("Nobody was due a step for %(year)d; nothing changed.", year=form.grade_year.data), "info")
    else:
        flash(_("%(n)d officers moved up one step.", n=run.granted), "success")
    return redirect(url_for("certification.annual_steps", grade_year=form.grade_year.data))


@bp.route("/completion")
@role_required(*STAFF)
def completion():
    return render_template(
        "certification/completion.html", rows=queries.completion_by_street(current_user, today()), on=today()
    )


@bp.app_template_filter("tier_label")
def tier_label(code: str | None) -> str:
    return str(TIER_LABELS.get(code, code or "—"))
