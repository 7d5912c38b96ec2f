"""The scheme pages: every scheme read-only for HR and administrators; administrators create a
draft (a copy of the approved rules in force), edit it, approve it after a confirmation (then it
is locked) or delete it. The rules judge a definition in one place, `scoring.validate_definition`
through the service; this module only maps form rows to definition and problems back to fields.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrapp.assessments import services
from hrapp.assessments.forms import (
    DIRECTION_LABELS,
    MAX_INDICATORS,
    MEASURE_LABELS,
    THRESHOLD_SLOTS,
    NewSchemeForm,
    SchemeConfirmForm,
    SchemeForm,
)
from hrapp.assessments.models import SCHEME_STATUSES, AssessmentScheme
from hrapp.assessments.scoring import GRADES
from hrapp.assessments.views import bp
from hrapp.certification.models import GRADES as GRADE_LABELS
from hrapp.certification.models import SEVERITIES
from hrapp.core.db import today
from hrapp.core.forms import commit_or_refuse
from hrapp.core.permissions import STAFF, Role, role_required
from hrapp.errors import Conflict
from hrapp.extensions import db
from hrapp.integrity.models import FINDING_CODES


def _scheme_or_404(scheme_id: int) -> AssessmentScheme:
    scheme = db.session.get(AssessmentScheme, scheme_id)
    if scheme is None:
        abort(404)
    return scheme


def _draft_or_refuse(scheme: AssessmentScheme) -> None:
    if scheme.status != "draft":
        raise Conflict(_("An approved scheme is locked; create a new version."))


def _rules_context() -> dict:
    return {
        "scheme_statuses": SCHEME_STATUSES,
        "measure_labels": MEASURE_LABELS,
        "direction_labels": DIRECTION_LABELS,
        "grade_labels": GRADE_LABELS,
        "severities": SEVERITIES,
    }


# --- definition <-> form -------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value)


def form_data(scheme: AssessmentScheme) -> dict:
    definition = scheme.definition
    integrity = definition.get("integrity", {})
    annual = definition.get("annual") or {}
    indicators = []
    for indicator in definition.get("indicators", []):
        thresholds = [{"bound": _text(b), "earned": _text(e)} for b, e in indicator.get("thresholds", [])]
        thresholds += [{"bound": "", "earned": ""}] * max(0, THRESHOLD_SLOTS - len(thresholds))
        indicators.append(
            {
                **{key: _text(indicator.get(key)) for key in ("code", "name", "measure", "weight", "target")},
                "direction": indicator.get("direction", "higher"),
                "normalise": bool(indicator.get("normalise")),
                "thresholds": thresholds,
            }
        )
    return {
        "name": scheme.name,
        "effective_from": scheme.effective_from,
        "indicators": indicators,
        "integrity_code": _text(integrity.get("code")),
        "integrity_name": _text(integrity.get("name")),
        "integrity_weight": _text(integrity.get("weight")),
        "deduction_per_finding": _text(integrity.get("deduction_per_finding")),
        "veto_severity": _text(definition.get("veto_severity")),
        "veto_codes": list(definition.get("veto_codes", [])),
        "grade_bands": [{"bound": _text(bound)} for bound, _grade in definition.get("grade_bands", [])],
        "excellent_cap_percent": _text(definition.get("excellent_cap_percent")),
        "monthly_share": _text(annual.get("monthly_share")),
        "review_share": _text(annual.get("review_share")),
    }


def _strip(field) -> str:
    return (field.data or "").strip() if isinstance(field.data, str) else ""


def definition_from(form: SchemeForm) -> tuple[dict, list[int]]:
    """The definition the form describes, values as typed (the rules judge them), and for each of
    its indicators the form row it came from (rows left wholly blank are dropped)."""
    indicators, rows = [], []
    for row, entry in enumerate(form.indicators.entries):
        fields = entry.form
        thresholds = [
            [_strip(t.form.bound), _strip(t.form.earned)]
            for t in fields.thresholds.entries
            if _strip(t.form.bound) or _strip(t.form.earned)
        ]
        typed = [_strip(fields[name]) for name in ("code", "name", "weight", "target")]
        if not any(typed) and not thresholds:
            continue
        indicators.append(
            {
                "code": typed[0],
                "name": typed[1],
                "measure": fields.measure.data,
                "weight": typed[2],
                "normalise": bool(fields.normalise.data),
                "target": typed[3] or None,
                "direction": fields.direction.data,
                "thresholds": thresholds,
            }
        )
        rows.append(row)
    severity = _strip(form.veto_severity)
    definition = {
        "indicators": indicators,
        "integrity": {
            "code": _strip(form.integrity_code),
            "name": _strip(form.integrity_name),
            "weight": _strip(form.integrity_weight),
            "deduction_per_finding": _strip(form.deduction_per_finding),
        },
        "veto_severity": int(severity) if severity.isascii() and severity.isdigit() and len(severity) < 3 else severity,
        "veto_codes": [code for code in (form.veto_codes.data or []) if isinstance(code, str)],
        "grade_bands": [
            [_strip(entry.form.bound), grade] for entry, grade in zip(form.grade_bands, GRADES, strict=False)
        ],
        "excellent_cap_percent": _strip(form.excellent_cap_percent) or None,
        "annual": {"monthly_share": _strip(form.monthly_share), "review_share": _strip(form.review_share)},
    }
    return definition, rows


def _place(form: SchemeForm, rows: list[int], path: tuple, message: str, general: list[str]) -> None:
    """Put a problem next to the field its path names; what names no field goes above the form."""
    field = None
    head, rest = (path[0], path[1:]) if path else ("", ())
    if head == "indicators" and rest and isinstance(rest[0], int) and rest[0] < len(rows):
        entry = form.indicators.entries[rows[rest[0]]].form
        field = entry[rest[1]] if len(rest) > 1 and rest[1] in entry else entry.code
    elif head == "integrity" and rest:
        field = form["deduction_per_finding" if rest[0] == "deduction_per_finding" else f"integrity_{rest[0]}"]
    elif head == "grade_bands" and rest and isinstance(rest[0], int) and rest[0] < len(form.grade_bands.entries):
        field = form.grade_bands.entries[rest[0]].form.bound
    elif head == "annual":
        field = form.monthly_share
    elif head in ("veto_severity", "veto_codes", "excellent_cap_percent"):
        field = form[head]
    if field is None:
        general.append(message)
    else:
        field.errors = [*field.errors, message]


def _editor_choices(form: SchemeForm) -> SchemeForm:
    form.veto_severity.choices = [(str(level), label) for level, label in SEVERITIES.items()]
    form.veto_codes.choices = [(code, label) for code, (label, _severity, _points) in FINDING_CODES.items()]
    return form


# --- pages ---------------------------------------------------------------------------------------


@bp.route("/assessments/schemes/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def scheme_new():
    base = services.current_approved()
    next_year = dt.date(today().year + 1, 1, 1)
    form = NewSchemeForm() if request.method == "POST" else NewSchemeForm(formdata=None, effective_from=next_year)
    if request.method == "POST" and form.validate():
        ok, scheme = commit_or_refuse(form, lambda: services.new_draft(form.name.data, form.effective_from.data))
        if ok:
            flash(_("Draft created from the approved rules; edit it and approve it when it is ready."), "success")
            return redirect(url_for("assessments.scheme_edit", scheme_id=scheme.id))
    status = 400 if request.method == "POST" else 200
    return render_template("assessments/scheme_new.html", form=form, base=base), status


@bp.route("/assessments/schemes/<int:scheme_id>")
@role_required(*STAFF)
def scheme_view(scheme_id: int):
    scheme = _scheme_or_404(scheme_id)
    return render_template("assessments/scheme_view.html", scheme=scheme, **_rules_context())


@bp.route("/assessments/schemes/<int:scheme_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def scheme_edit(scheme_id: int):
    scheme = _scheme_or_404(scheme_id)
    if request.method == "GET" and scheme.status != "draft":
        flash(_("An approved scheme is locked; create a new version."), "warning")
        return redirect(url_for("assessments.scheme_view", scheme_id=scheme.id))
    _draft_or_refuse(scheme)  # a POST to an approved scheme is refused (409), nothing changes
    if request.method == "GET":
        form = _editor_choices(SchemeForm(formdata=None, data=form_data(scheme)))
        return _editor(scheme, form, [])
    form = _editor_choices(SchemeForm())
    action = request.form.get("action", "save")
    if action == "add":
        if len(form.indicators.entries) < MAX_INDICATORS:
            form.indicators.append_entry()
        return _editor(scheme, form, [])
    if action.startswith("remove-"):
        index = action.removeprefix("remove-")
        if index.isascii() and index.isdigit() and int(index) < len(form.indicators.entries) > 1:
            form.indicators.entries.pop(int(index))
        return _editor(scheme, form, [])
    valid = form.validate()
    definition, rows = definition_from(form)
    general: list[str] = []
    try:
        services.check_definition(definition)
    except services.SchemeInvalid as error:
        for path, message in error.problems:
            _place(form, rows, path, message, general)
        valid = False
    if valid:
        ok, _result = commit_or_refuse(
            form,
            lambda: services.update_scheme(
                scheme, definition, name=form.name.data, effective_from=form.effective_from.data
            ),
        )
        if ok:
            flash(_("Draft saved."), "success")
            return redirect(url_for("assessments.scheme_view", scheme_id=scheme.id))
    return _editor(scheme, form, general, status=400)


def _editor(scheme: AssessmentScheme, form: SchemeForm, general: list[str], status: int = 200):
    return render_template(
        "assessments/scheme_edit.html",
        scheme=scheme,
        form=form,
        general=general,
        refused=status == 400,
        grades=GRADES,
        max_indicators=MAX_INDICATORS,
        **_rules_context(),
    ), status


@bp.route("/assessments/schemes/<int:scheme_id>/approve", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def scheme_approve(scheme_id: int):
    scheme = _scheme_or_404(scheme_id)
    if scheme.status != "draft":
        flash(_("This scheme is already approved."), "warning")
        return redirect(url_for("assessments.scheme_view", scheme_id=scheme.id))
    form = SchemeConfirmForm()
    if request.method == "POST" and form.validate():
        ok, _result = commit_or_refuse(None, lambda: services.approve_scheme(scheme))
        if ok:
            flash(_("Scheme approved and locked."), "success")
            return redirect(url_for("assessments.scheme_view", scheme_id=scheme.id))
        return redirect(url_for("assessments.scheme_edit", scheme_id=scheme.id))
    return render_template(
        "assessments/scheme_confirm.html", scheme=scheme, form=form, action="approve", **_rules_context()
    )


@bp.route("/assessments/schemes/<int:scheme_id>/delete", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def scheme_delete(scheme_id: int):
    scheme = _scheme_or_404(scheme_id)
    _draft_or_refuse(scheme)
    form = SchemeConfirmForm()
    if request.method == "POST" and form.validate():
        ok, _result = commit_or_refuse(None, lambda: services.delete_scheme(scheme))
        if ok:
            flash(_("Draft deleted."), "success")
            return redirect(url_for("assessments.schemes"))
        return redirect(url_for("assessments.scheme_view", scheme_id=scheme_id))
    return render_template(
        "assessments/scheme_confirm.html", scheme=scheme, form=form, action="delete", **_rules_context()
    )
