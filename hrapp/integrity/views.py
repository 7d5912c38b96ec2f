"""Integrity pages: the inspectors' start page, plans, checks (the phone form), findings, evidence,
amendments, rectification, accountability, appeals, draws, reports and the read log.

Compartment (core.permissions): plans, draws and open checks answer only inspectors and
administrators; a check outside the user's scope answers 404 exactly like one that does not exist.
Every read of a check or its evidence is logged."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.certification import rules as certification_rules
from hrapp.core.audit import log_read
from hrapp.core.db import today
from hrapp.core.forms import commit_or_refuse, select_choices
from hrapp.core.i18n import DISPLAY_TZ, local_time
from hrapp.core.permissions import (
    ALL_ROLES,
    INTEGRITY_STAFF,
    Role,
    can_see_open_checks,
    has_role,
    role_required,
)
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.integrity import followup, queries, services
from hrapp.integrity.forms import (
    ActionButtonForm,
    ActionForm,
    AmendmentForm,
    CheckForm,
    ChecklistForm,
    EvidenceForm,
    FindingForm,
    PlanForm,
    RectificationForm,
)
from hrapp.integrity.models import (
    CHECKLIST_RESULTS,
    TARGET_TYPES,
    Appeal,
    CheckPlan,
    Rectification,
)
from hrapp.officers import panels
from hrapp.officers import queries as officer_queries
from hrapp.officers.models import Officer

bp = Blueprint("integrity", __name__, url_prefix="/integrity")
READERS = (Role.ADMIN, Role.INSPECTOR, Role.HR_CLERK)

# Promotion rules count the findings of closed checks (certification never imports integrity).
certification_rules.register_integrity_findings_source(queries.findings_source)


# --- helpers -----------------------------------------------------------------------------------


def _check_or_404(check_id: int):
    check = queries.visible_check(current_user, check_id)
    if check is None:
        abort(404)
    return check


def _staff_check_or_404(check_id: int):
    """For inspectors' actions: the check, whatever its state (the route guard keeps others out)."""
    return _check_or_404(check_id)


def _plan_or_404(plan_id: int) -> CheckPlan:
    plan = db.session.get(CheckPlan, plan_id)
    if plan is None:
        abort(404)
    return plan


def _to_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=DISPLAY_TZ).astimezone(dt.UTC).replace(tzinfo=None)


def _to_local(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC).astimezone(DISPLAY_TZ).replace(tzinfo=None)


def _evidence_dir() -> Path:
    configured = current_app.config.get("EVIDENCE_DIR")
    return Path(configured) if configured else Path(current_app.config["INSTANCE_DIR"]) / "evidence"


def _officer_choices(blank: str = "") -> list:
    rows = db.session.execute(
        sa.select(Officer.id, Officer.name, Officer.employee_no)
        .where(Officer.status != "left")
        .order_by(Officer.employee_no)
    ).all()
    return select_choices([("", blank)] + [(row.id, f"{row.name} ({row.employee_no})") for row in rows])


def _inspector_choices() -> list:
    from hrapp.auth.models import User

    users = db.session.scalars(
        sa.select(User).where(User.role.in_(("inspector", "admin")), User.active.is_(True)).order_by(User.username)
    ).all()
    return select_choices((user.id, user.label) for user in users)


def _street_choices() -> list:
    return select_choices([("", "")] + officer_queries.street_choices(current_user))


def _checklist_answers() -> dict:
    return {key.removeprefix("item-"): value for key, value in request.form.items() if key.startswith("item-")}


def _log_check_read(check, what: str = "check") -> None:
    log_read("integrity_checks", check.id, detail={"number": check.number, "what": what})


def _log_list_read(checks, what: str) -> None:
    """A list shows checks too (number, target, result): one logged read names them all."""
    if checks:
        log_read("integrity_checks", "list", detail={"what": what, "numbers": [check.number for check in checks]})
        db.session.commit()


# --- start page --------------------------------------------------------------------------------


@bp.route("/")
@role_required(*INTEGRITY_STAFF)
def index():
    months = queries.monthly_counts(current_user)
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Checks"), _("With findings")]},
        "xAxis": {"type": "category", "data": [label for label, _c, _f in months]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": _("Checks"), "type": "bar", "data": [count for _l, count, _f in months]},
            {"name": _("With findings"), "type": "bar", "data": [found for _l, _c, found in months]},
        ],
    }
    recent = queries.checks_page(current_user, per_page=10).items
    body = render_template(
        "integrity/index.html", summary=queries.summary(current_user), chart_option=chart, recent=recent
    )
    _log_list_read(recent, "start page")
    return body


# --- plans -------------------------------------------------------------------------------------


@bp.route("/plans")
@role_required(*INTEGRITY_STAFF)
def plans():
    return render_template("integrity/plans.html", plans=queries.plans())


@bp.route("/plans/new", methods=["GET", "POST"])
@role_required(*INTEGRITY_STAFF)
def plan_new():
    form = PlanForm()
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data
            for name in ("name", "period_start", "period_end", "mode", "scope_kind", "scope", "lead_unit", "note")
        }
        ok, plan = commit_or_refuse(form, lambda: services.create_plan(values, current_user))
        if ok:
            flash(_("Plan created."), "success")
            return redirect(url_for("integrity.plan_detail", plan_id=plan.id))
    return render_template("integrity/plan_form.html", form=form)


@bp.route("/plans/<int:plan_id>")
@role_required(*INTEGRITY_STAFF)
def plan_detail(plan_id: int):
    plan = _plan_or_404(plan_id)
    body = render_template("integrity/plan_detail.html", plan=plan)
    _log_list_read(plan.checks, "plan")
    return body


@bp.route("/checklists", methods=["GET", "POST"])
@role_required(*INTEGRITY_STAFF)
def checklists():
    """The checklist in force per target type; a change publishes a new version (old checks keep theirs)."""
    form = ChecklistForm()
    if form.validate_on_submit():
        items = form.items.data.splitlines()
        ok, template = commit_or_refuse(
            form, lambda: services.publish_template(form.target_type.data, items, current_user)
        )
        if ok:
            flash(_("Checklist version %(version)d published.", version=template.version), "success")
            return redirect(url_for("integrity.checklists"))
    templates = {target_type: services.active_template(target_type) for target_type in TARGET_TYPES}
    db.session.commit()  # the default checklists, created on first use
    if request.method == "GET":
        chosen = request.args.get("target_type") if request.args.get("target_type") in TARGET_TYPES else "officer"
        form.target_type.data = chosen
        form.items.data = "\n".join(templates[chosen].items)
    return render_template("integrity/checklists.html", form=form, templates=templates, target_types=TARGET_TYPES)


# --- checks ------------------------------------------------------------------------------------


def _prepare_check_form(form: CheckForm) -> None:
    form.target_officer_id.choices = _officer_choices()
    form.street_id.choices = _street_choices()
    form.inspector_ids.choices = _inspector_choices()


@bp.route("/plans/<int:plan_id>/checks/new", methods=["GET", "POST"])
@role_required(*INTEGRITY_STAFF)
def check_new(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = CheckForm()
    _prepare_check_form(form)
    if request.method == "GET":
        form.target_officer_id.data = request.args.get("officer_id", type=int)
        form.method.data = "observation"
    if form.validate_on_submit():
        values = form.values(_checklist_answers())
        values["started_at"], values["ended_at"] = _to_utc(values["started_at"]), _to_utc(values["ended_at"])
        ok, check = commit_or_refuse(form, lambda: services.create_check(plan, values, current_user))
        if ok:
            flash(_("Check %(number)s saved as a draft.", number=check.number), "success")
            return redirect(url_for("integrity.check_edit", check_id=check.id))
    chosen = form.target_type.data if form.target_type.data in TARGET_TYPES else "officer"
    template = services.active_template(chosen)
    return render_template("integrity/check_form.html", form=form, plan=plan, check=None, template=template, answers={})


@bp.route("/checks")
@role_required(*ALL_ROLES)
def checks():
    """Every role: the checks in its compartment (officers: their own closed results)."""
    q = (request.args.get("q") or "").strip()[:60]
    status = request.args.get("status") if can_see_open_checks(current_user) else None
    status = status if status in ("draft", "submitted", "closed") else None
    page = queries.checks_page(
        current_user,
        status=status,
        q=q,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
    )
    body = render_template("integrity/checks.html", page=page, q=q, status=status)
    _log_list_read(page.items, "list")  # after rendering: the commit expires what the page shows
    return body


@bp.route("/checks/<int:check_id>")
@role_required(*ALL_ROLES)
def check_detail(check_id: int):
    check = _check_or_404(check_id)
    _log_check_read(check)
    db.session.commit()
    staff = can_see_open_checks(current_user)
    concerned = followup.officers_concerned(check)
    own_appeals = [a for a in _appeals_of(check) if not staff and a.officer_id == current_user.officer_id]
    context = {
        "check": check,
        "staff": staff,
        "button": ActionButtonForm(),
        "appeals": _appeals_of(check) if staff else own_appeals,
        "rectifications": _rectifications_of(check),
        "actions": _actions_of(
            check, None if staff or has_role(current_user, Role.HR_CLERK) else current_user.officer_id
        ),
        "amendments": _amendments_of(check),
        "can_appeal": not any(a.outcome is None for a in own_appeals)
        and check.status == "closed"
        and has_role(current_user, Role.OFFICER)
        and current_user.officer_id in concerned,
        "show_evidence": staff or has_role(current_user, Role.HR_CLERK),
        "checklist_results": CHECKLIST_RESULTS,
    }
    if staff and check.status != "draft":
        rect_form = RectificationForm()
        rect_form.owner_officer_id.choices = _officer_choices()
        if check.target_officer_id:
            rect_form.owner_officer_id.data = check.target_officer_id
        rect_form.deadline.data = today() + dt.timedelta(days=15)
        action_form = ActionForm()
        action_form.officer_id.choices = select_choices(
            (o.id, f"{o.name} ({o.employee_no})")
            for o in db.session.scalars(sa.select(Officer).where(Officer.id.in_(concerned)))
        )
        action_form.decided_on.data = today()
        context.update(rect_form=rect_form, action_form=action_form)
    return render_template("integrity/check_detail.html", **context)


def _appeals_of(check):
    return db.session.scalars(sa.select(Appeal).where(Appeal.check_id == check.id).order_by(Appeal.filed_at)).all()


def _rectifications_of(check):
    return db.session.scalars(
        sa.select(Rectification).where(Rectification.check_id == check.id).order_by(Rectification.id)
    ).all()


def _actions_of(check, officer_id):
    from hrapp.integrity.models import AccountabilityAction

    stmt = sa.select(AccountabilityAction).where(AccountabilityAction.check_id == check.id)
    if officer_id is not None:
        stmt = stmt.where(AccountabilityAction.officer_id == officer_id)
    return db.session.scalars(stmt.order_by(AccountabilityAction.id)).all()


def _amendments_of(check):
    from hrapp.integrity.models import Amendment

    return db.session.scalars(sa.select(Amendment).where(Amendment.check_id == check.id).order_by(Amendment.id)).all()


@bp.route("/checks/<int:check_id>/edit", methods=["GET", "POST"])
@role_required(*INTEGRITY_STAFF)
def check_edit(check_id: int):
    check = _staff_check_or_404(check_id)
    if check.status != "draft":
        flash(_("This check has been submitted: corrections are amendments."), "warning")
        return redirect(url_for("integrity.check_detail", check_id=check.id))
    form = CheckForm(obj=check if request.method == "GET" else None)
    _prepare_check_form(form)
    if request.method == "GET":
        _log_check_read(check, "edit")
        db.session.commit()
        form.version.data = str(check.version)
        form.started_at.data, form.ended_at.data = _to_local(check.started_at), _to_local(check.ended_at)
        form.inspector_ids.data = [row.user_id for row in check.inspectors]
        form.result_code.data = check.result_code or ""
    answers = dict(check.checklist or {})
    if form.validate_on_submit():
        answers = _checklist_answers()
        values = form.values(answers)
        values["started_at"], values["ended_at"] = _to_utc(values["started_at"]), _to_utc(values["ended_at"])
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        ok, _saved = commit_or_refuse(form, lambda: services.save_draft(check, values, current_user, version))
        if ok and request.form.get("action") == "submit":
            ok, _submitted = commit_or_refuse(None, lambda: services.submit_check(check, current_user))
            if ok:
                flash(
                    _("Check %(number)s submitted: its findings and evidence are now locked.", number=check.number),
                    "success",
                )
                return redirect(url_for("integrity.check_detail", check_id=check.id))
            return redirect(url_for("integrity.check_edit", check_id=check.id))
        if ok:
            flash(_("Draft saved."), "success")
            return redirect(url_for("integrity.check_edit", check_id=check.id))
    return render_template(
        "integrity/check_form.html",
        form=form,
        plan=check.plan,
        check=check,
        template=check.template,
        answers=answers,
        finding_form=_finding_form(check),
        evidence_form=EvidenceForm(),
        button=ActionButtonForm(),
        problems=services.submission_problems(check),
        declared=any(row.user_id == current_user.id and row.no_conflict for row in check.inspectors),
        on_check=any(row.user_id == current_user.id for row in check.inspectors),
        max_mb=current_app.config["EVIDENCE_MAX_BYTES"] / 1024 / 1024,
    )


def _finding_form(check) -> FindingForm:
    form = FindingForm(formdata=None)
    form.responsible_ids.choices = _officer_choices()[1:]
    form.responsible_ids.data = [check.target_officer_id] if check.target_officer_id else []
    return form


@bp.route("/checks/<int:check_id>/autosave", methods=["POST"])
@role_required(*INTEGRITY_STAFF)
def check_autosave(check_id: int):
    """The phone form's background save (static script, CSRF header): same rules as Save draft."""
    check = _staff_check_or_404(check_id)
    form = CheckForm()
    _prepare_check_form(form)
    if check.status != "draft" or not form.validate():
        return jsonify(
            {"saved": False, "errors": form.errors if check.status == "draft" else {}}
        ), 409 if check.status != "draft" else 400
    values = form.values(_checklist_answers())
    values["started_at"], values["ended_at"] = _to_utc(values["started_at"]), _to_utc(values["ended_at"])
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        services.save_draft(check, values, current_user, version)
    except DomainError as error:
        db.session.rollback()
        return jsonify({"saved": False, "message": error.message}), 409 if error.status_code == 409 else 400
    db.session.commit()
    return jsonify({"saved": True, "version": check.version, "at": local_time(check.updated_at, "%H:%M:%S")})


@bp.route("/checks/<int:check_id>/declare", methods=["POST"])
@role_required(*INTEGRITY_STAFF)
def check_declare(check_id: int):
    check = _staff_check_or_404(check_id)
    ok, _row = commit_or_refuse(None, lambda: services.declare_no_conflict(check, current_user))
    if ok:
        flash(_("Your declaration of no conflict of interest is recorded."), "success")
    return redirect(url_for("integrity.check_edit", check_id=check.id))


@bp.route("/checks/<int:check_id>/submit", methods=["POST"])
@role_required(*INTEGRITY_STAFF)
def check_submit(check_id: int):
    check = _staff_check_or_404(check_id)
    ok, _done = commit_or_refuse(None, lambda: services.submit_check(check, current_user))
    if ok:
        flash(
            _("Check %(number)s submitted: its findings and evidence are now locked.", number=check.number), "success"
        )
        return redirect(url_for("integrity.check_detail", check_id=check.id))
    return redirect(
        url_for("integrity.check_edit", check_id=check.id)
        if check.status == "draft"
        else url_for("integrity.check_detail", check_id=check.id)
    )


@bp.route("/checks/<int:check_id>/close", methods=["POST"])
@role_required(*INTEGRITY_STAFF)
def check_close(check_id: int):
    check = _staff_check_or_404(check_id)
    ok, _done = commit_or_refuse(None, lambda: services.close_check(check, current_user))
    if ok:
        flash(
            _(
                "Check %(number)s closed: the result is now visible to HR and the officer concerned.",
                number=check.number,
            ),
            "success",
        )
    return redirect(url_for("integrity.check_detail", check_id=check.id))


@bp.route("/checks/<int:check_id>/findings", methods=["POST"])
@role_required(*INTEGRITY_STAFF)
def finding_add(check_id: int):
    check = _staff_check_or_404(check_id)
    form = FindingForm()
    form.responsible_ids.choices = _officer_choices()[1:]
    if form.validate_on_submit():
        values = {
            "code": form.code.data,
            "severity": form.severity.data,
            "deduction": form.deduction.data,
            "description": form.description.data,
            "responsible_ids": form.responsible_ids.data,
        }
        ok, _finding = commit_or_refuse(None, lambda: services.add_finding(check, values, current_user))
        if ok:
            flash(_("Finding added."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
    return redirect(url_for("integrity.check_edit", check_id=check.id, _anchor="findings"))


@bp.route("/checks/<int:check_id>/findings/<int:finding_id>/remove", methods=["POST"])
@role_required(*INTEGRITY_STAFF)
def finding_remove(check_id: int, finding_id: int):
    check = _staff_check_or_404(check_id)
    finding = next((f for f in check.findings if f.id == finding_id), None)
    if finding is None:
        abort(404)
    ok, _done = commit_or_refuse(None, lambda: services.remove_finding(check, finding, current_user))
    if ok:
        flash(_("Finding removed."), "success")
    return redirect(url_for("integrity.check_edit", check_id=check.id, _anchor="findings"))


@bp.route("/checks/<int:check_id>/evidence", methods=["POST"])
@role_required(*INTEGRITY_STAFF)
def evidence_upload(check_id: int):
    check = _staff_check_or_404(check_id)
    form = EvidenceForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash(_("Choose a file to upload."), "danger")
    else:
        ok, item = commit_or_refuse(
            None,
            lambda: services.add_evidence(
                check,
                upload.stream,
                upload.filename,
                current_user,
                _evidence_dir(),
                current_app.config["EVIDENCE_MAX_BYTES"],
            ),
        )
        if ok:
            flash(
                _("%(name)s uploaded (SHA-256 %(hash)s…).", name=item.original_name, hash=item.sha256[:12]), "success"
            )
    return redirect(url_for("integrity.check_edit", check_id=check.id, _anchor="evidence"))


@bp.route("/checks/<int:check_id>/evidence/<int:evidence_id>/remove", methods=["POST"])
@role_required(*INTEGRITY_STAFF)
def evidence_remove(check_id: int, evidence_id: int):
    check = _staff_check_or_404(check_id)
    item = next((e for e in check.evidence if e.id == evidence_id), None)
    if item is None:
        abort(404)
    ok, _done = commit_or_refuse(None, lambda: services.remove_evidence(check, item, current_user, _evidence_dir()))
    if ok:
        flash(_("File removed."), "success")
    return redirect(url_for("integrity.check_edit", check_id=check.id, _anchor="evidence"))


@bp.route("/evidence/<int:evidence_id>")
@role_required(*READERS)
def evidence_download(evidence_id: int):
    """Served as an attachment, never rendered: the browser must not interpret an upload."""
    item = queries.visible_evidence(current_user, evidence_id)
    if item is None:
        abort(404)
    path = _evidence_dir() / item.stored_name
    if not path.is_file():
        abort(404)
    log_read("integrity_evidence", item.id, detail={"check": item.check.number, "sha256": item.sha256})
    db.session.commit()
    # Read whole (files are capped at EVIDENCE_MAX_BYTES): no file handle outlives the request.
    response = send_file(
        io.BytesIO(path.read_bytes()), mimetype=item.content_type, as_attachment=True, download_name=item.original_name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/checks/<int:check_id>/amend", methods=["GET", "POST"])
@role_required(*INTEGRITY_STAFF)
def check_amend(check_id: int):
    check = _staff_check_or_404(check_id)
    if check.status == "draft":
        return redirect(url_for("integrity.check_edit", check_id=check.id))
    form = AmendmentForm()
    form.finding_id.choices = select_choices(
        (f.id, f"#{f.id} {f.code_label} · {f.severity_label} · {f.deduction}") for f in check.current_findings
    )
    if form.validate_on_submit():
        new = (
            {"withdraw": True}
            if form.withdraw.data
            else {
                "code": form.code.data or None,
                "severity": form.severity.data,
                "deduction": form.deduction.data,
                "description": form.description.data or None,
            }
        )
        ok, _amendment = commit_or_refuse(
            form, lambda: services.amend_check(check, {form.finding_id.data: new}, form.reason.data, current_user)
        )
        if ok:
            flash(_("Amendment recorded."), "success")
            return redirect(url_for("integrity.check_detail", check_id=check.id, _anchor="amendments"))
    return render_template("integrity/amend.html", form=form, check=check)


# --- the officer-profile panel -----------------------------------------------------------------


def _panel_context(officer: Officer, user):
    """Integrity results on an officer's profile: the user's compartment, narrowed to this officer."""
    own = has_role(user, Role.OFFICER) and user.officer_id == officer.id
    if not (own or has_role(user, Role.ADMIN, Role.HR_CLERK, Role.INSPECTOR)):
        return None
    items = db.session.scalars(
        sa.select(queries.Check)
        .where(queries.check_scope(user), queries.concerns_officer(officer.id))
        .order_by(queries.Check.started_at.desc())
        .limit(20)
    ).all()
    return {"integrity_checks": items, "own": own, "officer": officer}


panels.register_panel("integrity/_panel.html", _panel_context, order=40)


from hrapp.integrity import followup_views  # noqa: E402, F401  (its routes join this blueprint)
