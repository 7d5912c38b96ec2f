"""HR pages for officers: directory, profile, create/edit, postings, departure, import, export."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hrapp.core import importing
from hrapp.core.audit import AuditEvent
from hrapp.core.audit_display import present
from hrapp.core.db import paginate_rows, today
from hrapp.core.forms import commit_or_refuse, select_choices, show_domain_error
from hrapp.core.i18n import translated
from hrapp.core.import_page import import_page, spreadsheet_response
from hrapp.core.permissions import READ_OFFICERS, STAFF, can_edit_officer, can_reveal_id_number, role_required
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.officers import panels, queries, services
from hrapp.officers.forms import DeactivateForm, EndPostingForm, IdCorrectionForm, OfficerForm, PostingForm
from hrapp.officers.importing import officer_import_spec
from hrapp.officers.models import EDUCATION, POLITICAL_STATUS, SEXES, STATUSES, Officer, Posting
from hrapp.org.models import Grid
from hrapp.org.queries import grid_choices

bp = Blueprint("officers", __name__, url_prefix="/officers")


@bp.route("/")
@role_required(*READ_OFFICERS)
def directory():
    filters = queries.DirectoryFilter.from_args(request.args)
    on = today()
    page = db.paginate(
        queries.directory(current_user, filters, on),
        per_page=min(request.args.get("per_page", current_app.config["PAGE_SIZE"], type=int) or 50, 200),
        error_out=False,
    )
    officer_ids = [officer.id for officer in page.items]
    if queries.log_id_search_matches(current_user, filters, page.items):
        db.session.commit()
    return render_template(
        "officers/directory.html",
        page=page,
        grids=queries.current_grids(officer_ids, on),
        tiers=queries.current_tiers(officer_ids, on),
        filters=filters,
        streets=queries.street_choices(current_user),
        communities=queries.community_choices(current_user, filters.street_id),
        statuses=translated(STATUSES),
        sexes=translated(SEXES),
    )


EXPORT_HEADERS = (
    _l("Employee no."),
    _l("Name"),
    _l("Sex"),
    _l("ID number"),
    _l("Phone"),
    _l("Education"),
    _l("Political status"),
    _l("Employing street"),
    _l("Grid code"),
    _l("Hire date"),
    _l("Contract start"),
    _l("Contract end"),
    _l("Employment status"),
)


@bp.route("/export.<fmt>")
@role_required(*STAFF)
def export(fmt: str):
    """The filtered directory with masked ID numbers. It imports back as it is (a masked number
    means "unchanged" for a registered officer): export, edit in Excel, import."""
    return _export(fmt, for_editing=False)


@bp.route("/export-for-editing.<fmt>")
@role_required(*STAFF)
def export_for_editing(fmt: str):
    """The same file with whole ID numbers, for those who may reveal them: each row is logged as
    a reveal of that officer's number."""
    return _export(fmt, for_editing=True)


def _export(fmt: str, *, for_editing: bool):
    if fmt not in ("xlsx", "csv"):
        abort(404)
    filters = queries.DirectoryFilter.from_args(request.args)
    headers = [str(header) for header in EXPORT_HEADERS]

    def rows():
        for officer, posting in queries.export_rows(current_user, filters, today()):
            if for_editing:
                id_number = services.reveal_id_number(officer, acting=current_user, via="export")
            else:
                id_number = officer.masked_id_number
            yield (
                officer.employee_no,
                officer.name,
                officer.sex_label,
                id_number,
                officer.phone,
                str(EDUCATION.get(officer.education, "")),
                str(POLITICAL_STATUS.get(officer.political_status, "")),
                officer.street.name,
                posting.grid.code if posting else "",
                officer.hire_date.isoformat(),
                officer.contract_start.isoformat() if officer.contract_start else "",
                officer.contract_end.isoformat() if officer.contract_end else "",
                officer.status_label,
            )

    body = importing.write_xlsx(headers, rows(), "officers") if fmt == "xlsx" else importing.write_csv(headers, rows())
    db.session.commit()  # the reveals logged while writing the rows
    name = "officers-for-editing" if for_editing else "officers"
    return spreadsheet_response(body, fmt, f"{name}-{today().isoformat()}.{fmt}")


def _officer_form(officer: Officer | None) -> OfficerForm:
    form = OfficerForm(obj=officer)
    form.street_id.choices = [
        (street_id, name)
        for street_id, name in queries.street_choices(current_user)
        if current_user.street_id in (None, street_id)
    ]
    return form


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    form = _officer_form(None)
    if request.method == "GET" and current_user.street_id:
        form.street_id.data = current_user.street_id
    if form.validate_on_submit():
        ok, officer = commit_or_refuse(form, lambda: services.create_officer(form.values(), acting=current_user))
        if ok:
            flash(_("Officer %(name)s (%(no)s) created.", name=officer.name, no=officer.employee_no), "success")
            return redirect(url_for("officers.profile", officer_id=officer.id))
    return render_template("officers/form.html", form=form, officer=None)


@bp.route("/<int:officer_id>")
@role_required(*READ_OFFICERS)
def profile(officer_id: int):
    officer = queries.visible_officer_or_404(current_user, officer_id)
    return _render_profile(officer)


def _render_profile(officer: Officer, revealed_id: str | None = None):
    on = today()
    return render_template(
        "officers/profile.html",
        officer=officer,
        revealed_id=revealed_id,
        postings=queries.posting_history(officer.id),
        current=queries.current_postings([officer.id], on).get(officer.id),
        can_edit=can_edit_officer(current_user, officer),
        can_reveal=can_reveal_id_number(current_user, officer),
        posting_form=_posting_form(officer),
        end_form=EndPostingForm(formdata=None, end=on),
        deactivate_form=DeactivateForm(formdata=None, on=on),
        today=on,
        panels=panels.render_context(officer, current_user),
    )


def _posting_form(officer: Officer, formdata=None) -> PostingForm:
    """Offer the vacant grids of the officer's street, with no grid preselected. A posted form is
    checked against every grid the user can see, so the service explains a refusal (grid taken
    meanwhile: 'one grid, one officer'; another street) rather than 'not a valid choice'."""
    if formdata is None:
        form = PostingForm(formdata=None, start=today())
        grids = queries.street_grid_choices(officer.street_id, today(), vacant_only=True)
    else:
        form = PostingForm()
        grids = grid_choices(current_user)
    form.grid_id.choices = select_choices([(0, _("— choose a vacant grid —"))] + grids)
    return form


@bp.route("/<int:officer_id>/reveal-id", methods=["POST"])
@role_required(*STAFF)
def reveal_id(officer_id: int):
    officer = queries.visible_officer_or_404(current_user, officer_id)
    number = services.reveal_id_number(officer, acting=current_user)
    db.session.commit()
    return _render_profile(officer, revealed_id=number)


@bp.route("/<int:officer_id>/correct-id", methods=["GET", "POST"])
@role_required(*STAFF)
def correct_id(officer_id: int):
    """The one way to change an ID number: HR who may reveal it, with a reason, logged."""
    officer = queries.editable_officer_or_403(current_user, officer_id)
    if not can_reveal_id_number(current_user, officer):
        abort(403)
    form = IdCorrectionForm()
    if form.validate_on_submit():
        ok, _result = commit_or_refuse(
            form,
            lambda: services.correct_id_number(
                officer, form.id_number.data, reason=form.reason.data, acting=current_user
            ),
        )
        if ok:
            flash(_("The ID number of %(name)s is corrected.", name=officer.name), "success")
            return redirect(url_for("officers.profile", officer_id=officer.id))
    return render_template("officers/correct_id.html", form=form, officer=officer)


@bp.route("/<int:officer_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(officer_id: int):
    officer = queries.editable_officer_or_403(current_user, officer_id)
    form = _officer_form(officer)
    if request.method == "GET":
        form.version.data = str(officer.version)
        # The edit form is no way round masking: it shows the masked number, which means "unchanged".
        form.id_number.data = officer.masked_id_number
    current_values = None
    if form.validate_on_submit():
        values = form.values()
        if values["id_number"] == officer.masked_id_number.upper():
            values["id_number"] = officer.id_number
        try:
            services.update_officer(officer, values, expected_version=_version(form.version.data), acting=current_user)
        except DomainError as error:
            db.session.rollback()
            officer = db.session.get(Officer, officer_id)
            if error.status_code == 409:
                current_values = officer
                form.version.data = str(officer.version)
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Profile of %(name)s saved.", name=officer.name), "success")
            return redirect(url_for("officers.profile", officer_id=officer.id))
    return render_template("officers/form.html", form=form, officer=officer, current_values=current_values)


def _version(posted) -> int:
    """The version the form was opened at; anything unreadable counts as stale (0), never a 500."""
    text = str(posted if posted is not None else "")
    return int(text) if text.isascii() and text.isdigit() else 0


@bp.route("/<int:officer_id>/deactivate", methods=["POST"])
@role_required(*STAFF)
def deactivate(officer_id: int):
    officer = queries.editable_officer_or_403(current_user, officer_id)
    form = DeactivateForm()
    if form.validate_on_submit():
        ok, _result = commit_or_refuse(None, lambda: services.deactivate(officer, on=form.on.data, acting=current_user))
        if ok:
            flash(
                _("%(name)s is recorded as having left on %(date)s.", name=officer.name, date=form.on.data), "success"
            )
    else:
        flash(_("Give the leaving date."), "danger")
    return redirect(url_for("officers.profile", officer_id=officer.id))


@bp.route("/<int:officer_id>/postings", methods=["POST"])
@role_required(*STAFF)
def add_posting(officer_id: int):
    officer = queries.editable_officer_or_403(current_user, officer_id)
    form = _posting_form(officer, formdata=request.form)
    if form.validate_on_submit():
        grid = db.session.get(Grid, form.grid_id.data)
        ok, _result = commit_or_refuse(
            None,
            lambda: services.post_to_grid(
                officer, grid, start=form.start.data, acting=current_user, note=form.note.data
            ),
        )
        if ok:
            flash(_("%(name)s posted to grid %(grid)s.", name=officer.name, grid=grid.code), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
    return redirect(url_for("officers.profile", officer_id=officer.id))


@bp.route("/postings/<int:posting_id>/end", methods=["POST"])
@role_required(*STAFF)
def end_posting(posting_id: int):
    posting = db.get_or_404(Posting, posting_id)
    officer = queries.editable_officer_or_403(current_user, posting.officer_id)
    form = EndPostingForm()
    if form.validate_on_submit():
        ok, _result = commit_or_refuse(
            None, lambda: services.end_posting(posting, end=form.end.data, acting=current_user)
        )
        if ok:
            flash(_("Posting ended."), "success")
    return redirect(url_for("officers.profile", officer_id=officer.id))


@bp.route("/<int:officer_id>/history")
@role_required(*STAFF)
def history(officer_id: int):
    officer = queries.visible_officer_or_404(current_user, officer_id)
    page = db.paginate(
        sa.select(AuditEvent).where(AuditEvent.officer_id == officer.id).order_by(AuditEvent.id.desc()),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("officers/history.html", officer=officer, page=page, lines=present(page.items))


@bp.route("/grids")
@role_required(*READ_OFFICERS)
def occupancy():
    street_id = request.args.get("street_id", type=int)
    vacant_only = request.args.get("vacant") == "1"
    page = paginate_rows(
        queries.grid_occupancy(current_user, today(), street_id, vacant_only),
        page=request.args.get("page", type=int),
        per_page=current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "officers/occupancy.html",
        page=page,
        street_id=street_id,
        vacant_only=vacant_only,
        streets=queries.street_choices(current_user),
    )


# --- import ----------------------------------------------------------------------------------


@bp.route("/import/template.<fmt>")
@role_required(*STAFF)
def import_template(fmt: str):
    if fmt not in ("xlsx", "csv"):
        abort(404)
    body = importing.template(officer_import_spec(current_user), fmt)
    return spreadsheet_response(body, fmt, f"officers-template.{fmt}")


@bp.route("/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_officers():
    return import_page(
        officer_import_spec(current_user),
        key="officers",
        done_url=url_for("officers.directory"),
        expired_url=url_for("officers.import_officers"),
        render=lambda form, report, token: render_template(
            "officers/import.html", form=form, report=report, token=token
        ),
    )
