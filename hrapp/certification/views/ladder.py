"""The ladder's reference data and yearly work: tiers and rule versions, annual steps, and
mandatory course completion per street."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.certification import queries, rules, services
from hrapp.certification.forms import (
    AnnualStepForm,
    RuleSetForm,
    TierForm,
)
from hrapp.certification.models import GRADES, SEVERITIES, Tier
from hrapp.certification.views.common import (
    ADMIN,
    _flash_form_errors,
    _page_size,
    bp,
)
from hrapp.core.db import paginate_rows, today
from hrapp.core.forms import commit_or_refuse
from hrapp.core.http import int_arg
from hrapp.core.permissions import STAFF, role_required
from hrapp.extensions import db
from hrapp.training.models import COURSE_CATEGORIES

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
