"""Pay and funding pages: monthly roster (screen, XLSX, close), scales and allowance rules, an
officer's pay, the what-if, funding standards and the annual funding report (screen, XLSX, PDF).

404 means the record does not exist or lies outside the user's scope (no existence leak); 403
means the user may see it but not do this to it. HR clerks see pay within their scope; only
administrators approve scales and rules and close months; officers see only their own pay (on
their page and /pay/officers/<own id>); the inspector sees none of it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from hrapp.core import importing
from hrapp.core.db import today, utcnow
from hrapp.core.forms import EARLIEST_DATE, LATEST_DATE, commit_or_refuse, select_choices
from hrapp.core.i18n import local_time
from hrapp.core.import_page import spreadsheet_response
from hrapp.core.permissions import STAFF, Role, has_role, role_required
from hrapp.extensions import db
from hrapp.officers import panels
from hrapp.officers import queries as officer_queries
from hrapp.pay import calc, queries, services
from hrapp.pay import pdf as pay_pdf
from hrapp.pay.forms import (
    ApproveForm,
    CloseMonthForm,
    ConfirmForm,
    RuleDraftForm,
    RuleEditForm,
    ScaleDraftForm,
    ScaleEditForm,
    StandardForm,
    WhatIfForm,
)
from hrapp.pay.models import AllowanceRuleSet, PayScale

bp = Blueprint("pay", __name__)
ADMIN = (Role.ADMIN,)
PAY_READERS = (Role.ADMIN, Role.HR_CLERK, Role.OFFICER)


def component_labels() -> dict[str, str]:
    return {
        "base": _("Base pay"),
        "seniority": _("Seniority allowance"),
        "certificate": _("Skill certificate allowance"),
        "difficulty": _("Grid difficulty allowance"),
        "performance": _("Performance pay"),
        "adjustment": _("Adjustment"),
        "total": _("Total"),
    }


def _month_arg() -> dt.date:
    raw = request.args.get("month", "")
    try:
        month = dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return calc.month_start(today())
    return month if calc.FIRST_PAY_YEAR <= month.year <= calc.LAST_PAY_YEAR else calc.month_start(today())


def _date_arg(name: str) -> dt.date | None:
    """A date query parameter within the dates the forms accept, else None: pay arithmetic goes a
    month or a day beyond it, which must not leave what a date can hold."""
    try:
        value = dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return value if EARLIEST_DATE <= value <= LATEST_DATE else None


def _street_arg() -> int | None:
    street_id = request.args.get("street_id", type=int)
    visible = {street.id for street in queries.visible_streets(current_user)}
    return street_id if street_id in visible else None


def _district_hr() -> bool:
    return has_role(current_user, Role.ADMIN) or (
        has_role(current_user, Role.HR_CLERK) and current_user.street_id is None
    )


def _flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "danger")


# --- profile and /me panel ---------------------------------------------------------------------


def _panel_context(officer, user):
    own = has_role(user, Role.OFFICER) and user.officer_id == officer.id
    if not (own or has_role(user, Role.ADMIN, Role.HR_CLERK)):
        return None
    on = today()
    return {
        "officer": officer,
        "own": own,
        "pay": queries.pay_on(officer, on),
        "labels": component_labels(),
    }


panels.register_panel("pay/_panel.html", _panel_context, order=40)


# --- roster ------------------------------------------------------------------------------------


@bp.route("/pay/")
@role_required(*STAFF)
def roster():
    month = _month_arg()
    street_id = _street_arg()
    data = queries.roster(current_user, month, street_id)
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = current_app.config["PAGE_SIZE"] * 2
    pages = max((len(data.lines) + per_page - 1) // per_page, 1)
    page = min(page, pages)
    next_to_close = calc.next_month(services.last_closed_month()) if services.last_closed_month() else None
    can_close = (
        has_role(current_user, Role.ADMIN)
        and data.closed is None
        and month <= calc.month_start(today())
        and (next_to_close is None or month == next_to_close)
    )
    close_form = CloseMonthForm(month=month.strftime("%Y-%m"))
    return render_template(
        "pay/roster.html",
        roster=data,
        lines=data.lines[(page - 1) * per_page : page * per_page],
        page=page,
        pages=pages,
        month=month,
        previous_month=(month - dt.timedelta(days=1)).replace(day=1),
        following_month=calc.next_month(month),
        street_id=street_id,
        streets=queries.visible_streets(current_user),
        labels=component_labels(),
        components=(*calc.COMPONENTS, "adjustment", "total"),
        can_close=can_close,
        close_form=close_form,
        adjustment_month=queries.adjustment_month(),
    )


@bp.route("/pay/roster.xlsx")
@role_required(*STAFF)
def roster_export():
    month = _month_arg()
    data = queries.roster(current_user, month, _street_arg())
    labels = component_labels()
    headers = [_("Month"), _("Employee no."), _("Name"), _("Street"), _("Days paid")] + [
        labels[name] for name in (*calc.COMPONENTS, "adjustment", "total")
    ]
    rows = [
        [month.strftime("%Y-%m"), line.employee_no, line.name, data.streets.get(line.street_id, ""), line.days]
        + [getattr(line, name) for name in (*calc.COMPONENTS, "adjustment", "total")]
        for line in data.lines
    ]
    for street, count, sums in data.totals_by_street():
        rows.append(
            ["", "", _("Total: %(street)s", street=street), street, count]
            + [sums[name] for name in (*calc.COMPONENTS, "adjustment", "total")]
        )
    grand = data.grand_total()
    rows.append(
        ["", "", _("Total"), "", len(data.lines)] + [grand[n] for n in (*calc.COMPONENTS, "adjustment", "total")]
    )
    body = importing.write_xlsx(headers, rows, title=_("Pay roster %(month)s", month=month.strftime("%Y-%m")))
    return spreadsheet_response(body, "xlsx", f"pay-roster-{month:%Y-%m}.xlsx")


@bp.route("/pay/close", methods=["POST"])
@role_required(*ADMIN)
def close_month():
    form = CloseMonthForm()
    try:
        month = dt.datetime.strptime(form.month.data or "", "%Y-%m").date()
    except ValueError:
        flash(_("Choose a month to close."), "danger")
        return redirect(url_for("pay.roster"))
    if form.validate_on_submit():
        done, closed = commit_or_refuse(None, lambda: services.close_month(month, acting=current_user, on=today()))
        if done:
            flash(
                _("%(month)s is closed: %(count)d lines frozen.", month=f"{month:%Y-%m}", count=closed.line_count),
                "success",
            )
    else:
        _flash_form_errors(form)
    return redirect(url_for("pay.roster", month=f"{month:%Y-%m}"))


# --- an officer's pay --------------------------------------------------------------------------


@bp.route("/pay/officers/<int:officer_id>")
@role_required(*PAY_READERS)
def officer_pay(officer_id: int):
    officer = officer_queries.visible_officer_or_404(current_user, officer_id)
    if not queries.can_see_pay_of(current_user, officer):
        abort(404)
    on = _date_arg("on") or today()
    return render_template(
        "pay/officer.html",
        officer=officer,
        pay=queries.pay_on(officer, on),
        on=on,
        history=queries.officer_roster_history(officer.id),
        labels=component_labels(),
        components=(*calc.COMPONENTS, "adjustment", "total"),
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
    on = _date_arg("on")
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


# --- what-if -----------------------------------------------------------------------------------


@bp.route("/pay/what-if")
@role_required(*STAFF)
def what_if():
    form = WhatIfForm(request.args)
    drafts = [scale for scale in queries.scales() if not scale.locked]
    form.scale_id.choices = select_choices([("", "—")] + [(s.id, f"v{s.version} · {s.name}") for s in drafts])
    streets = queries.visible_streets(current_user)
    form.street_id.choices = select_choices([("", _("All streets in my scope"))] + [(s.id, s.name) for s in streets])
    result, choice = None, None
    if request.args and form.validate():
        if form.scale_id.data and any(s.id == form.scale_id.data for s in drafts):
            choice = calc.ScaleChoice(scale_id=form.scale_id.data)
        elif form.percent.data is not None:
            choice = calc.ScaleChoice(percent=Decimal(form.percent.data))
        if choice is None:
            flash(_("Choose a draft scale or a percentage."), "warning")
        else:
            street_id = form.street_id.data if form.street_id.data in {s.id for s in streets} else None
            result = queries.what_if(current_user, on=today(), scale=choice, street_id=street_id)
    return render_template("pay/what_if.html", form=form, result=result, choice=choice)


# --- funding -----------------------------------------------------------------------------------


def _year_range() -> list[int]:
    years = [s.year for s in queries.standards()]
    current = today().year
    return sorted(set(years) | {current}, reverse=True)


@bp.route("/funding/")
@role_required(*STAFF)
def funding():
    standards = queries.standards_with_growth()
    by_year = {standard.year: standard for standard, _growth in standards}
    span_from = request.args.get("from", type=int)
    span_to = request.args.get("to", type=int)
    if by_year and (span_from not in by_year or span_to not in by_year):
        span_from, span_to = min(by_year), max(by_year)
    span = None
    if span_from in by_year and span_to in by_year and span_from != span_to:
        span = queries.growth(by_year[span_from].amount_per_officer, by_year[span_to].amount_per_officer)
    chart = {
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": [str(s.year) for s, _g in standards]},
        "yAxis": {"type": "value", "name": _("yuan")},
        "series": [
            {
                "type": "line",
                "name": _("Funding standard per officer"),
                "data": [format(s.amount_per_officer, ".0f") for s, _g in standards],
                "label": {"show": True},
            }
        ],
    }
    return render_template(
        "pay/funding.html",
        standards=standards,
        span=span,
        span_from=span_from,
        span_to=span_to,
        years=_year_range(),
        chart_option=chart,
        form=StandardForm(year=today().year) if _district_hr() else None,
    )


@bp.route("/funding/standards", methods=["POST"])
@role_required(*STAFF)
def standard_save():
    if not _district_hr():
        abort(403)
    form = StandardForm()
    if form.validate_on_submit():
        done, _result = commit_or_refuse(
            None,
            lambda: services.save_standard(
                form.year.data,
                form.amount_per_officer.data,
                document_no=(form.document_no.data or "").strip(),
                note=(form.note.data or "").strip(),
                acting=current_user,
            ),
        )
        if done:
            flash(_("Funding standard for %(year)d saved.", year=form.year.data), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("pay.funding"))


def _report(year: int):
    if not calc.FIRST_PAY_YEAR <= year <= calc.LAST_PAY_YEAR:
        abort(404)
    return queries.funding_report(current_user, year)


@bp.route("/funding/<int:year>")
@role_required(*STAFF)
def funding_year(year: int):
    report = _report(year)
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "category", "data": [row.street for row in report.rows], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "name": _("yuan")},
        "grid": {"bottom": 80},
        "series": [
            {
                "type": "bar",
                "name": _("Allocation"),
                "data": [format(row.allocation or 0, ".0f") for row in report.rows],
            },
            {"type": "bar", "name": _("Actual cost"), "data": [format(row.actual, ".0f") for row in report.rows]},
        ],
    }
    return render_template(
        "pay/funding_year.html",
        report=report,
        chart_option=chart,
        can_edit=_district_hr(),
        confirm_form=ConfirmForm(),
        years=_year_range(),
    )


@bp.route("/funding/<int:year>/allocations", methods=["POST"])
@role_required(*STAFF)
def allocations_save(year: int):
    if not _district_hr():
        abort(403)
    if not calc.FIRST_PAY_YEAR <= year <= calc.LAST_PAY_YEAR:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(url_for("pay.funding_year", year=year))
    headcounts, bad = {}, False
    for key, value in MultiDict(request.form).items():
        if not key.startswith("street-"):
            continue
        try:
            street_id = int(key.removeprefix("street-"))
            headcounts[street_id] = int(value) if value.strip() else None
        except ValueError:
            bad = True
    if bad:
        flash(_("Enter whole numbers for the headcounts."), "danger")
        return redirect(url_for("pay.funding_year", year=year))
    done, changed = commit_or_refuse(None, lambda: services.save_allocations(year, headcounts, acting=current_user))
    if done:
        flash(_("Allocations saved (%(n)d changed).", n=changed), "success")
    return redirect(url_for("pay.funding_year", year=year))


def _report_headers() -> list[str]:
    return [_("Street"), _("Budgeted headcount"), _("Allocation"), _("Actual cost"), _("Variance"), _("Used")]


@bp.route("/funding/<int:year>.xlsx")
@role_required(*STAFF)
def funding_xlsx(year: int):
    report = _report(year)
    rows = [
        [row.street, row.headcount, row.allocation, row.actual, row.variance, row.used_percent] for row in report.rows
    ]
    rows.append(
        [_("Total"), report.total_headcount, report.total_allocation, report.total_actual, report.total_variance, None]
    )
    headers = [*_report_headers()[:-1], _("Used (%)")]
    body = importing.write_xlsx(headers, rows, title=_("Funding %(year)d", year=year))
    return spreadsheet_response(body, "xlsx", f"funding-{year}.xlsx")


@bp.route("/funding/<int:year>.pdf")
@role_required(*STAFF)
def funding_pdf(year: int):
    report = _report(year)
    standard = report.standard
    if standard is not None:
        standard_line = _(
            "Funding standard %(year)d: ¥%(amount)s per officer per year",
            year=year,
            amount=f"{standard.amount_per_officer:,.2f}",
        )
        if report.growth is not None:
            standard_line += " · " + _("%(growth)s %% on %(previous)d", growth=f"{report.growth:+}", previous=year - 1)
    else:
        standard_line = _("No funding standard recorded for %(year)d.", year=year)
    labels = pay_pdf.FundingLabels(
        title=_("Grid officer funding report %(year)d", year=year),
        issuer=_("Grid Officer HR"),
        generated=_(
            "Generated %(when)s by %(who)s",
            when=local_time(utcnow()),
            who=current_user.label,
        ),
        page=_("Page {page} of {pages}"),
        standard_line=standard_line,
        headers=tuple(_report_headers()),
        total=_("Total"),
        chart_title=_("Allocation and actual cost by street (yuan)"),
        allocation=_("Allocation"),
        actual=_("Actual cost"),
        notes=(
            _("Allocation = budgeted headcount × the year's funding standard."),
            _("Actual cost: closed months as paid, open months as computed today."),
        ),
    )
    body = pay_pdf.funding_report(report, labels, font_path=current_app.config.get("PDF_FONT_PATH"))
    response = current_app.response_class(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="funding-{year}.pdf"'
    return response
