"""Workload pages: street and grid dashboards and the grid balance for HR, one officer's workload
(HR and the officer themself), and the case import (upload → dry run → confirm)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired

from hrapp.core import import_page as import_flow
from hrapp.core import importing
from hrapp.core.dates import add_months
from hrapp.core.db import today
from hrapp.core.forms import commit_or_refuse
from hrapp.core.import_page import ImportForm, import_page, spreadsheet_response
from hrapp.core.permissions import READ_OFFICERS, STAFF, Role, role_required, street_scope
from hrapp.extensions import db
from hrapp.officers import panels
from hrapp.officers import queries as officer_queries
from hrapp.org.models import Community, Grid, Street
from hrapp.tasks import services as task_services
from hrapp.workload import balance as grid_balance_queries
from hrapp.workload import charts, queries
from hrapp.workload import tasks as workload_tasks
from hrapp.workload.importing import COLUMNS, case_import_spec, default_source_system_id

bp = Blueprint("workload", __name__, url_prefix="/workload")

SPANS = {1: _l("One month"), 3: _l("Three months"), 12: _l("Twelve months")}


class Period:
    """The months shown: `month` (YYYY-MM, default the current one) and the `span` months ending with it."""

    def __init__(self, args):
        this_month = today().replace(day=1)
        try:
            month = dt.datetime.strptime(args.get("month", ""), "%Y-%m").date()
        except ValueError:
            month = this_month
        if not dt.date(2000, 1, 1) <= month <= this_month:
            month = this_month
        span = args.get("span", 1, type=int)
        self.span = span if span in SPANS else 1
        self.month = month
        self.end = add_months(month, 1)
        self.start = add_months(self.end, -self.span)

    @property
    def args(self) -> dict:
        return {"month": self.month.strftime("%Y-%m"), "span": self.span}

    @property
    def label(self) -> str:
        last = self.end - dt.timedelta(days=1)
        return f"{self.start:%Y-%m} – {last:%Y-%m}" if self.span > 1 else f"{self.start:%Y-%m}"


def _render(template: str, **context):
    return render_template(template, spans=SPANS, **context)


@bp.route("/")
@role_required(*READ_OFFICERS)
def dashboard():
    """The street dashboard: every street the user sees (or one street's grids) for the period."""
    period = Period(request.args)
    street_id = request.args.get("street", type=int)
    street = None
    if street_id is not None:
        street = db.session.scalar(
            sa.select(Street).where(Street.id == street_id, street_scope(current_user, Street.id))
        )
        if street is None:
            abort(404)
    elif current_user.street_id is not None:
        street = current_user.street
    if street is not None:
        rows = sorted(
            queries.grid_measures(current_user, period.start, period.end, street_id=street.id).values(),
            key=lambda m: -(m.normalised_volume or 0),
        )
    else:
        rows = queries.street_measures(current_user, period.start, period.end)
        indexes = _street_indexes([m.key for m in rows])
        for measures in rows:
            measures.index = indexes.get(measures.key, 1.0)
    trend = queries.monthly_totals(current_user, 12, period.end, street_id=street.id if street else None)
    return _render(
        "workload/dashboard.html",
        period=period,
        street=street,
        rows=rows,
        trend_chart=charts.trend_option(trend),
        comparison_chart=charts.comparison_option(rows, _("Cases per workload index")),
        streets=db.session.execute(
            sa.select(Street.id, Street.name).where(street_scope(current_user, Street.id)).order_by(Street.code)
        ).all(),
    )


def _street_indexes(street_ids: list[int]) -> dict[int, float]:
    """A street's workload index: the sum of its grids' indexes (so a street's volume per index
    compares with other streets' as a grid's does with other grids')."""
    indexes = queries.grid_indexes()
    street_of = dict(db.session.execute(sa.select(Grid.id, Community.street_id).join(Community)).all())
    totals: dict[int, float] = {}
    for grid_id, value in indexes.items():
        totals[street_of.get(grid_id)] = totals.get(street_of.get(grid_id), 0.0) + value
    return {street_id: totals.get(street_id, 1.0) or 1.0 for street_id in street_ids}


@bp.route("/grids/<int:grid_id>")
@role_required(*READ_OFFICERS)
def grid(grid_id: int):
    """One grid's measures and 12-month trend; 404 for a grid outside the user's street."""
    grid = db.session.scalar(
        sa.select(Grid).join(Community).where(Grid.id == grid_id, street_scope(current_user, Community.street_id))
    )
    if grid is None:
        abort(404)
    period = Period(request.args)
    measures = queries.grid_measures(current_user, period.start, period.end, grid_id=grid.id).get(grid.id)
    trend = queries.monthly_totals(current_user, 12, period.end, grid_id=grid.id)
    on = min(period.end - dt.timedelta(days=1), today())
    occupancy = db.session.execute(officer_queries.grid_occupancy(current_user, on).where(Grid.id == grid.id)).first()
    return _render(
        "workload/grid.html",
        grid=grid,
        period=period,
        measures=measures or queries.Measures(),
        trend_chart=charts.trend_option(trend),
        holder=occupancy[3] if occupancy else None,
    )


@bp.route("/balance")
@role_required(*READ_OFFICERS)
def balance():
    period = Period(request.args)
    balance = grid_balance_queries.grid_balance(current_user, period.start, period.end)
    return _render(
        "workload/balance.html",
        period=period,
        balance=balance,
        box_chart=charts.balance_option(balance),
        deviation_chart=charts.deviation_option(balance),
    )


def _officer_page(officer, back_url: str | None):
    period = Period(request.args)
    measures = queries.officer_measures(period.start, period.end, [officer.id]).get(officer.id) or queries.Measures()
    trend = queries.officer_trend(officer.id, 12, period.end)
    return _render(
        "workload/officer.html",
        officer=officer,
        period=period,
        measures=measures,
        trend_chart=charts.trend_option(trend),
        work_chart=charts.work_option(trend),
        back_url=back_url,
    )


@bp.route("/officers/<int:officer_id>")
@role_required(*READ_OFFICERS)
def officer(officer_id: int):
    """One officer's workload for HR; 404 for an officer outside the user's scope."""
    officer = officer_queries.visible_officer_or_404(current_user, officer_id)
    return _officer_page(officer, url_for("officers.profile", officer_id=officer.id))


@bp.route("/me")
@role_required(Role.OFFICER)
def me():
    """The officer's own workload (their last 12 months); there is no way to name another officer."""
    officer = officer_queries.get_visible_officer(current_user, current_user.officer_id or 0)
    if officer is None:
        abort(404)
    return _officer_page(officer, None)


class CaseImportForm(ImportForm):
    file = FileField(
        _l("File (.csv, .xlsx or .jsonl)"),
        validators=[FileRequired(), FileAllowed(["csv", "xlsx", "jsonl"], _l("Upload a .csv, .xlsx or .jsonl file."))],
    )


def _may_import() -> None:
    # Cases span every street: a street-scoped clerk does not import the district's file.
    if current_user.street_id is not None:
        abort(403)


@bp.route("/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_cases():
    _may_import()
    system_id = default_source_system_id(db.session)
    if system_id is None:
        abort(404)
    if request.method == "POST" and request.form.get("token"):
        return _start_import(system_id)
    return import_page(
        case_import_spec(system_id, db.session),
        key="cases",
        done_url=url_for("workload.dashboard"),
        expired_url=url_for("workload.import_cases"),
        form_class=CaseImportForm,
        render=lambda form, report, token: render_template(
            "workload/import.html", form=form, report=report, token=token
        ),
    )


def _start_import(system_id: int):
    """Confirm step: the checked file goes to a worker, which imports it in batches; the task page
    shows the progress and the counts."""
    pending = session.get("pending_import") or {}
    path = import_flow._pending_path(pending)
    if pending.get("token") != request.form["token"] or pending.get("key") != "cases" or not path.is_file():
        session.pop("pending_import", None)
        flash(_("That import has expired; upload the file again."), "warning")
        return redirect(url_for("workload.import_cases"))
    upload = workload_tasks.keep_for_worker(path)
    session.pop("pending_import", None)
    params = {"upload": upload, "filename": pending["filename"], "source_system_id": system_id}
    ok, run = commit_or_refuse(
        None, lambda: task_services.start(workload_tasks.IMPORT_CASES, params, acting=current_user)
    )
    if not ok:
        (workload_tasks.upload_dir() / upload).unlink(missing_ok=True)
        return redirect(url_for("workload.import_cases"))
    if not task_services.enqueue(run):
        flash(_("The task queue cannot be reached; the import will start when it is back."), "warning")
    return redirect(url_for("tasks.run", run_id=run.id))


@bp.route("/import/template.<fmt>")
@role_required(*STAFF)
def import_template(fmt: str):
    _may_import()
    if fmt not in ("xlsx", "csv"):
        abort(404)
    headers = [str(column.label) for column in COLUMNS]
    example = [column.example for column in COLUMNS]
    body = (
        importing.write_xlsx(headers, [example], "cases") if fmt == "xlsx" else importing.write_csv(headers, [example])
    )
    return spreadsheet_response(body, fmt, f"cases-template.{fmt}")


def _panel_context(officer, user):
    """This month's figures on the officer's profile (HR) and own page, with a link to the details."""
    if user.role == Role.OFFICER and user.officer_id != officer.id:
        return None
    start = today().replace(day=1)
    measures = queries.officer_measures(start, add_months(start, 1), [officer.id]).get(officer.id) or queries.Measures()
    link = url_for("workload.me") if user.role == Role.OFFICER else url_for("workload.officer", officer_id=officer.id)
    return {"workload": measures, "workload_url": link, "workload_month": start}


panels.register_panel("workload/_panel.html", _panel_context, order=60)
