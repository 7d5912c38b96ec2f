"""Pay scales and allowance rules: versions, drafts as grids, approval."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.core.db import today
from hrapp.core.forms import commit_or_refuse
from hrapp.core.http import date_arg
from hrapp.core.permissions import STAFF, role_required
from hrapp.extensions import db
from hrapp.pay import queries, services
from hrapp.pay.forms import (
    ApproveForm,
    ConfirmForm,
    RuleDraftForm,
    RuleEditForm,
    ScaleDraftForm,
    ScaleEditForm,
)
from hrapp.pay.models import AllowanceRuleSet, PayScale
from hrapp.pay.views.common import (
    ADMIN,
    _flash_form_errors,
    bp,
)

# --- scales ------------------------------------------------------------------------------------


def _scale_or_404(scale_id: int) -> PayScale:
    scale = db.session.get(PayScale, scale_id)
    if scale is None:
        abort(404)
    return scale


@bp.route("/pay/scales")
@role_required(*STAFF)
def scales():
    on = date_arg("on")
    in_force = services.scale_in_force(on or today())
    return render_template(
        "pay/scales.html",
        scales=queries.scales(),
        on=on,
        in_force=in_force,
        grid=queries.scale_grid(in_force) if in_force else {},
        tiers=queries.tiers(),
    )


@bp.route("/pay/scales/<int:scale_id>")
@role_required(*STAFF)
def scale_detail(scale_id: int):
    scale = _scale_or_404(scale_id)
    return render_template(
        "pay/scale_detail.html",
        scale=scale,
        grid=queries.scale_grid(scale),
        tiers=queries.tiers(),
        approve_form=ApproveForm(document_no=scale.document_no),
        confirm_form=ConfirmForm(),
    )


@bp.route("/pay/scales/new", methods=["GET", "POST"])
@role_required(*ADMIN)
def scale_new():
    form = ScaleDraftForm()
    if form.validate_on_submit():
        done, draft = commit_or_refuse(
            form,
            lambda: services.start_scale_draft(
                effective_from=form.effective_from.data,
                name=(form.name.data or "").strip(),
                document_no=(form.document_no.data or "").strip(),
                percent=form.percent.data,
                acting=current_user,
            ),
        )
        if done:
            flash(_("Draft pay scale v%(version)d started.", version=draft.version), "success")
            return redirect(url_for("pay.scale_edit", scale_id=draft.id))
    return render_template("pay/scale_new.html", form=form, source=services.latest_approved_scale())


@bp.route("/pay/scales/<int:scale_id>/edit", methods=["GET", "POST"])
@role_required(*ADMIN)
def scale_edit(scale_id: int):
    scale = _scale_or_404(scale_id)
    if scale.locked:
        flash(_("An approved pay scale is locked; start a new version instead."), "warning")
        return redirect(url_for("pay.scale_detail", scale_id=scale.id))
    form = ScaleEditForm(obj=scale)
    tiers = queries.tiers()
    grid = queries.scale_grid(scale)
    if form.validate_on_submit():
        # Only the cells the form sent: an absent input leaves its cell as it is, an empty one removes it.
        cells = {
            (tier.id, step): request.form[f"cell-{tier.id}-{step}"].strip().replace(",", "")
            for tier in tiers
            for step in range(1, tier.max_step + 1)
            if f"cell-{tier.id}-{step}" in request.form
        }
        values = {
            "effective_from": form.effective_from.data,
            "name": (form.name.data or "").strip(),
            "document_no": (form.document_no.data or "").strip(),
            "note": (form.note.data or "").strip(),
        }
        done, _result = commit_or_refuse(
            form, lambda: services.update_scale_draft(scale, values=values, cells=cells, acting=current_user)
        )
        if done:
            flash(_("Draft saved."), "success")
            return redirect(url_for("pay.scale_detail", scale_id=scale.id))
        grid = {**grid, **cells}
    return render_template("pay/scale_edit.html", scale=scale, form=form, grid=grid, tiers=tiers)


@bp.route("/pay/scales/<int:scale_id>/approve", methods=["POST"])
@role_required(*ADMIN)
def scale_approve(scale_id: int):
    scale = _scale_or_404(scale_id)
    form = ApproveForm()
    if form.validate_on_submit():
        done, _result = commit_or_refuse(
            None,
            lambda: services.approve_scale(scale, acting=current_user, document_no=form.document_no.data or None),
        )
        if done:
            flash(_("Pay scale v%(version)d approved and locked.", version=scale.version), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("pay.scale_detail", scale_id=scale.id))


@bp.route("/pay/scales/<int:scale_id>/delete", methods=["POST"])
@role_required(*ADMIN)
def scale_delete(scale_id: int):
    scale = _scale_or_404(scale_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        done, _result = commit_or_refuse(None, lambda: services.delete_draft(scale, acting=current_user))
        if done:
            flash(_("Draft deleted."), "success")
            return redirect(url_for("pay.scales"))
    else:
        _flash_form_errors(form)
    return redirect(url_for("pay.scale_detail", scale_id=scale.id))


# --- allowance rules ---------------------------------------------------------------------------


def _rules_or_404(rules_id: int) -> AllowanceRuleSet:
    rules = db.session.get(AllowanceRuleSet, rules_id)
    if rules is None:
        abort(404)
    return rules


@bp.route("/pay/rules")
@role_required(*STAFF)
def rules():
    return render_template(
        "pay/rules.html",
        rule_sets=queries.rule_sets(),
        in_force=services.rules_in_force(today()),
        approve_form=ApproveForm(),
    )


@bp.route("/pay/rules/new", methods=["GET", "POST"])
@role_required(*ADMIN)
def rules_new():
    form = RuleDraftForm()
    if form.validate_on_submit():
        done, draft = commit_or_refuse(
            form,
            lambda: services.start_rule_draft(
                effective_from=form.effective_from.data,
                document_no=(form.document_no.data or "").strip(),
                acting=current_user,
            ),
        )
        if done:
            flash(_("Draft allowance rules v%(version)d started.", version=draft.version), "success")
            return redirect(url_for("pay.rules_edit", rules_id=draft.id))
    return render_template("pay/rules_new.html", form=form)


@bp.route("/pay/rules/<int:rules_id>/edit", methods=["GET", "POST"])
@role_required(*ADMIN)
def rules_edit(rules_id: int):
    rules = _rules_or_404(rules_id)
    if rules.locked:
        flash(_("Approved allowance rules are locked; start a new version instead."), "warning")
        return redirect(url_for("pay.rules"))
    form = RuleEditForm(obj=rules)
    if form.validate_on_submit():
        values = {key: field.data for key, field in form._fields.items() if key not in ("submit", "csrf_token")}
        values["document_no"] = (values.get("document_no") or "").strip()
        values["note"] = (values.get("note") or "").strip()
        done, _result = commit_or_refuse(form, lambda: services.update_rule_draft(rules, values, acting=current_user))
        if done:
            flash(_("Draft saved."), "success")
            return redirect(url_for("pay.rules"))
    return render_template("pay/rules_edit.html", rules=rules, form=form)


@bp.route("/pay/rules/<int:rules_id>/approve", methods=["POST"])
@role_required(*ADMIN)
def rules_approve(rules_id: int):
    rules = _rules_or_404(rules_id)
    form = ApproveForm()
    if form.validate_on_submit():
        if form.document_no.data:
            rules.document_no = form.document_no.data.strip()
        done, _result = commit_or_refuse(None, lambda: services.approve_rules(rules, acting=current_user))
        if done:
            flash(_("Allowance rules v%(version)d approved and locked.", version=rules.version), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("pay.rules"))
