"""Funding standards, street allocations and the annual funding report (screen, XLSX, PDF)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from hrapp.core import importing
from hrapp.core.db import today, utcnow
from hrapp.core.forms import commit_or_refuse
from hrapp.core.i18n import local_time
from hrapp.core.import_page import spreadsheet_response
from hrapp.core.permissions import STAFF, role_required
from hrapp.pay import calc, queries, services
from hrapp.pay import pdf as pay_pdf
from hrapp.pay.forms import (
    ConfirmForm,
    StandardForm,
)
from hrapp.pay.views.common import (
    _district_hr,
    _flash_form_errors,
    bp,
)

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
