"""Integrity follow-up pages: rectification notices, accountability actions, appeals, the
risk-based draws, reports with their XLSX export, and the read log. Routes join the integrity
blueprint (see views.py for the compartment rules)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.core import importing
from hrapp.core.audit import log_read
from hrapp.core.db import today
from hrapp.core.forms import commit_or_refuse, select_choices, show_domain_error
from hrapp.core.http import date_arg
from hrapp.core.i18n import local_time
from hrapp.core.import_page import spreadsheet_response
from hrapp.core.permissions import INTEGRITY_STAFF, Role, can_read_integrity_log, has_role, role_required
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.integrity import followup, queries, risk
from hrapp.integrity.forms import (
    ActionForm,
    AppealDecisionForm,
    AppealForm,
    DrawForm,
    RectificationForm,
    RectificationUpdateForm,
)
from hrapp.integrity.models import FINDING_CODES, RECTIFICATION_STATUSES, SEVERITIES, Appeal, Draw, Rectification
from hrapp.integrity.views import READERS, _check_or_404, _officer_choices, _staff_check_or_404, _street_choices, bp
from hrapp.officers import queries as officer_queries
from hrapp.officers.models import Officer

# --- rectification and accountability ----------------------------------------------------------


@bp.route("/checks/<int:check_id>/rectifications", methods=["POST"])
@role_required(*INTEGRITY_STAFF)
def rectification_add(check_id: int):
    check = _staff_check_or_404(check_id)
    form = RectificationForm()
    form.owner_officer_id.choices = _officer_choices()
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data
            for name in ("notice_no", "owner_officer_id", "owner_unit", "deadline", "note")
        }
        ok, _item = commit_or_refuse(None, lambda: followup.create_rectification(check, values, current_user))
        if ok:
            flash(_("Rectification ordered."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
    return redirect(url_for("integrity.check_detail", check_id=check.id, _anchor="rectification"))


@bp.route("/rectifications")
@role_required(*INTEGRITY_STAFF)
def rectifications():
    status = request.args.get("status") if request.args.get("status") in RECTIFICATION_STATUSES else None
    return render_template(
        "integrity/rectifications.html",
        items=queries.rectifications(status),
        status=status,
        statuses=RECTIFICATION_STATUSES,
        on=today(),
    )


@bp.route("/rectifications/<int:rectification_id>", methods=["GET", "POST"])
@role_required(*INTEGRITY_STAFF)
def rectification_update(rectification_id: int):
    item = db.session.get(Rectification, rectification_id)
    if item is None:
        abort(404)
    form = RectificationUpdateForm(obj=item if request.method == "GET" else None)
    form.reinspection_check_id.choices = select_choices(
        [("", "")]
        + [
            (c.id, f"{c.number} · {c.target_name} · {c.status_label}")
            for c in queries.checks_page(current_user, per_page=200).items
            if c.id != item.check_id
        ]
    )
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data for name in ("status", "reinspection_check_id", "completed_on", "note")
        }
        ok, _item = commit_or_refuse(form, lambda: followup.update_rectification(item, values, current_user))
        if ok:
            flash(_("Rectification updated."), "success")
            return redirect(url_for("integrity.check_detail", check_id=item.check_id, _anchor="rectification"))
    return render_template("integrity/rectification_form.html", form=form, item=item)


@bp.route("/checks/<int:check_id>/actions", methods=["POST"])
@role_required(*INTEGRITY_STAFF)
def action_add(check_id: int):
    check = _staff_check_or_404(check_id)
    form = ActionForm()
    form.officer_id.choices = _officer_choices()
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data for name in ("officer_id", "kind", "decision_no", "decided_on", "note")
        }
        ok, _action = commit_or_refuse(None, lambda: followup.add_action(check, values, current_user))
        if ok:
            flash(_("Accountability action recorded."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
    return redirect(url_for("integrity.check_detail", check_id=check.id, _anchor="accountability"))


# --- appeals -----------------------------------------------------------------------------------


@bp.route("/checks/<int:check_id>/appeal", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def appeal_new(check_id: int):
    check = _check_or_404(check_id)
    if current_user.officer_id not in followup.officers_concerned(check):
        abort(404)
    form = AppealForm()
    if form.validate_on_submit():
        ok, _appeal = commit_or_refuse(form, lambda: followup.file_appeal(check, form.reason.data, current_user))
        if ok:
            flash(_("Your appeal has been filed."), "success")
            return redirect(url_for("integrity.check_detail", check_id=check.id))
    return render_template("integrity/appeal_form.html", form=form, check=check)


@bp.route("/appeals")
@role_required(*INTEGRITY_STAFF)
def appeals():
    return render_template("integrity/appeals.html", appeals=queries.appeals())


@bp.route("/appeals/<int:appeal_id>", methods=["GET", "POST"])
@role_required(*INTEGRITY_STAFF)
def appeal_decide(appeal_id: int):
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None:
        abort(404)
    form = AppealDecisionForm()
    if appeal.outcome is None and form.validate_on_submit():
        values = {name: getattr(form, name).data for name in ("outcome", "severity", "deduction", "decision_note")}
        ok, _appeal = commit_or_refuse(form, lambda: followup.decide_appeal(appeal, values, current_user))
        if ok:
            flash(_("Appeal decided."), "success")
            return redirect(url_for("integrity.check_detail", check_id=appeal.check_id, _anchor="appeals"))
    elif request.method == "POST" and appeal.outcome is not None:
        show_domain_error(None, DomainError(_("This appeal has already been decided.")))
    return render_template("integrity/appeal_decide.html", form=form, appeal=appeal)


# --- draws -------------------------------------------------------------------------------------


@bp.route("/draws")
@role_required(*INTEGRITY_STAFF)
def draws():
    return render_template("integrity/draws.html", draws=queries.draws())


@bp.route("/draws/new", methods=["GET", "POST"])
@role_required(*INTEGRITY_STAFF)
def draw_new():
    form = DrawForm()
    form.street_id.choices = _street_choices()
    if request.method == "GET":
        on = today()
        form.period_start.data = on
        form.period_end.data = on + dt.timedelta(days=30)
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data
            for name in ("period_start", "period_end", "street_id", "random_count", "weighted_count", "seed")
        }
        ok, draw = commit_or_refuse(form, lambda: risk.run_draw(values, current_user))
        if ok:
            flash(_("Draw made: %(n)d targets.", n=len(draw.picks)), "success")
            return redirect(url_for("integrity.draw_detail", draw_id=draw.id))
    return render_template("integrity/draw_form.html", form=form)


@bp.route("/draws/<int:draw_id>")
@role_required(*INTEGRITY_STAFF)
def draw_detail(draw_id: int):
    draw = db.session.get(Draw, draw_id)
    if draw is None:
        abort(404)
    ids = [pick["officer_id"] for pick in draw.picks]
    officers = {o.id: o for o in db.session.scalars(sa.select(Officer).where(Officer.id.in_(ids)))}
    return render_template(
        "integrity/draw_detail.html",
        draw=draw,
        officers=officers,
        verified=risk.replay(draw) == draw.picks,
        plans=queries.plans(),
    )


# --- reports -----------------------------------------------------------------------------------


def _report_period() -> tuple[dt.date, dt.date, int | None]:
    on = today()
    start = date_arg("start") or dt.date(on.year, 1, 1)
    end = date_arg("end") or on
    if end < start:
        start, end = end, start
    street_id = request.args.get("street_id", type=int)
    if has_role(current_user, Role.HR_CLERK) and current_user.street_id:
        street_id = current_user.street_id
    return start, end, street_id


@bp.route("/reports")
@role_required(*READERS)
def reports():
    start, end, street_id = _report_period()
    stats = queries.statistics(current_user, start, end, street_id)
    codes = sorted(stats["by_code"].items())
    chart = {
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": [code for code, _v in codes]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": _("Findings"), "type": "bar", "data": [value["count"] for _c, value in codes]}],
    }
    return render_template(
        "integrity/reports.html",
        stats=stats,
        start=start,
        end=end,
        street_id=street_id,
        streets=officer_queries.street_choices(current_user),
        codes=codes,
        code_labels={code: label for code, (label, _s, _d) in FINDING_CODES.items()},
        severities=SEVERITIES,
        chart_option=chart,
    )


@bp.route("/reports/export")
@role_required(*READERS)
def reports_export():
    start, end, street_id = _report_period()
    checks = queries.export_rows(current_user, start, end, street_id)
    headers = [
        _("Check number"), _("Status"), _("Street"), _("Target"), _("Place"), _("Started"), _("Result"),
        _("Finding"), _("Severity"), _("Deduction points"), _("People responsible"),
    ]  # fmt: skip
    rows = []
    for check in checks:
        base = [
            check.number,
            check.status_label,
            check.street.name if check.street else "",
            check.target_name,
            check.place,
            local_time(check.started_at),
            check.result_label,
        ]
        findings = check.current_findings
        if not findings:
            rows.append(base + ["", "", "", ""])
        for finding in findings:
            rows.append(
                base
                + [
                    finding.code_label,
                    finding.severity_label,
                    float(finding.deduction),
                    "、".join(o.name for o in finding.responsible),
                ]
            )
    log_read(
        "integrity_checks", "export", detail={"checks": len(checks), "start": start.isoformat(), "end": end.isoformat()}
    )
    db.session.commit()
    body = importing.write_xlsx(headers, rows, title=_("Integrity checks"))
    return spreadsheet_response(body, "xlsx", f"integrity-{start.isoformat()}-{end.isoformat()}.xlsx")


@bp.route("/read-log")
@role_required(Role.ADMIN)
def read_log():
    if not can_read_integrity_log(current_user):
        abort(403)
    page = queries.read_log(page=request.args.get("page", 1, type=int), per_page=current_app.config["PAGE_SIZE"])
    return render_template("integrity/read_log.html", page=page)
