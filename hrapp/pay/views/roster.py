"""Monthly rosters (screen, XLSX, closing a month), an officer's pay and the what-if."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.core import importing
from hrapp.core.db import today
from hrapp.core.forms import commit_or_refuse, select_choices
from hrapp.core.http import date_arg
from hrapp.core.import_page import spreadsheet_response
from hrapp.core.permissions import STAFF, Role, has_role, role_required
from hrapp.officers import queries as officer_queries
from hrapp.pay import calc, queries, services
from hrapp.pay.forms import (
    CloseMonthForm,
    WhatIfForm,
)
from hrapp.pay.views.common import (
    ADMIN,
    PAY_READERS,
    _flash_form_errors,
    _month_arg,
    _street_arg,
    bp,
    component_labels,
)

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
    on = date_arg("on") or today()
    return render_template(
        "pay/officer.html",
        officer=officer,
        pay=queries.pay_on(officer, on),
        on=on,
        history=queries.officer_roster_history(officer.id),
        labels=component_labels(),
        components=(*calc.COMPONENTS, "adjustment", "total"),
    )


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
