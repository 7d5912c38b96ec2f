from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hrapp.core.forms import INTEGER_LIMIT, Form, select_choices
from hrapp.integrity.models import (
    ACTION_KINDS,
    APPEAL_OUTCOMES,
    FINDING_CODES,
    METHODS,
    MODES,
    RECTIFICATION_STATUSES,
    RESULT_CODES,
    SCOPE_KINDS,
    SEVERITIES,
    TARGET_TYPES,
)


def _id(value) -> int:
    """A record id typed or chosen in a form. Anything else (text, full-width or superscript digits,
    numbers beyond a database integer) raises ValueError, which the field reports as an invalid
    choice, so the form is refused instead of the value reaching a query."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            raise ValueError(value)
        number = int(text)
    if not 1 <= number <= INTEGER_LIMIT:
        raise ValueError(value)
    return number


def _optional_id(value) -> int | None:
    return None if value in (None, "", "None") else _id(value)


def _blank(pairs, label=""):
    return select_choices([("", label), *pairs])


class PlanForm(Form):
    name = StringField(_l("Plan name"), validators=[DataRequired(), Length(max=120)])
    period_start = DateField(_l("Period from"), validators=[DataRequired()])
    period_end = DateField(_l("Period until"), validators=[DataRequired()])
    mode = SelectField(_l("Mode"), choices=select_choices(MODES.items()))
    scope_kind = SelectField(_l("Scope"), choices=select_choices(SCOPE_KINDS.items()))
    scope = StringField(_l("Posts or streets covered"), validators=[Optional(), Length(max=300)])
    lead_unit = StringField(_l("Lead unit"), validators=[Optional(), Length(max=120)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Create plan"))


class CheckForm(Form):
    """The check as filled in on site; checklist answers come as item-<n> fields."""

    version = HiddenField()
    target_type = SelectField(_l("Target"), choices=select_choices(TARGET_TYPES.items()))
    target_officer_id = SelectField(_l("Officer checked"), coerce=_optional_id, validate_choice=False)
    target_label = StringField(_l("Window, post or unit"), validators=[Optional(), Length(max=120)])
    street_id = SelectField(_l("Street"), coerce=_optional_id)
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    started_at = DateTimeLocalField(_l("Started"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    ended_at = DateTimeLocalField(_l("Ended"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    method = SelectField(_l("Method"), choices=select_choices(METHODS.items()))
    inspector_ids = SelectMultipleField(_l("Inspectors (at least two)"), coerce=_id, validate_choice=False)
    declare_no_conflict = BooleanField(_l("I declare no conflict of interest with the target"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10000)])
    result_code = SelectField(_l("Result"), choices=_blank(RESULT_CODES.items()), validate_choice=False)
    outside_draw_reason = StringField(
        _l("Reason for a target outside the draw"), validators=[Optional(), Length(max=500)]
    )
    save = SubmitField(_l("Save draft"))

    def values(self, checklist: dict) -> dict:
        return {
            "target_type": self.target_type.data,
            "target_officer_id": self.target_officer_id.data,
            "target_label": self.target_label.data,
            "street_id": self.street_id.data,
            "place": self.place.data,
            "started_at": self.started_at.data,
            "ended_at": self.ended_at.data,
            "method": self.method.data,
            "inspector_ids": self.inspector_ids.data or [],
            "declare_no_conflict": self.declare_no_conflict.data,
            "notes": self.notes.data,
            "result_code": self.result_code.data or None,
            "outside_draw_reason": self.outside_draw_reason.data,
            "checklist": checklist,
        }


class FindingForm(Form):
    code = SelectField(
        _l("Finding"), choices=select_choices((code, label) for code, (label, _s, _d) in FINDING_CODES.items())
    )
    severity = SelectField(
        _l("Severity (default for the code if empty)"), coerce=_optional_id, choices=_blank(SEVERITIES.items())
    )
    deduction = DecimalField(
        _l("Deduction points (default for the code if empty)"),
        places=1,
        validators=[Optional(), NumberRange(min=0, max=100)],
    )
    responsible_ids = SelectMultipleField(_l("People responsible"), coerce=_id, validate_choice=False)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Add finding"))


class EvidenceForm(Form):
    file = FileField(_l("Photo, audio, video or document"))
    submit = SubmitField(_l("Upload"))


class ActionButtonForm(Form):
    """An empty form: a CSRF-protected button (submit, close, declare, remove)."""


class AmendmentForm(Form):
    finding_id = SelectField(_l("Finding"), coerce=_optional_id, validate_choice=False)
    withdraw = BooleanField(_l("Withdraw this finding"))
    code = SelectField(
        _l("New code"),
        choices=_blank((code, label) for code, (label, _s, _d) in FINDING_CODES.items()),
        validate_choice=False,
    )
    severity = SelectField(_l("New severity"), coerce=_optional_id, choices=_blank(SEVERITIES.items()))
    deduction = DecimalField(_l("New deduction points"), places=1, validators=[Optional(), NumberRange(min=0, max=100)])
    description = TextAreaField(_l("New description"), validators=[Optional(), Length(max=2000)])
    reason = TextAreaField(_l("Reason for the correction"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Record amendment"))


class RectificationForm(Form):
    notice_no = StringField(_l("Notice number"), validators=[DataRequired(), Length(max=40)])
    owner_officer_id = SelectField(_l("Officer who rectifies"), coerce=_optional_id, validate_choice=False)
    owner_unit = StringField(_l("Or unit that rectifies"), validators=[Optional(), Length(max=120)])
    deadline = DateField(_l("Deadline"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Order rectification"))


class RectificationUpdateForm(Form):
    status = SelectField(_l("Status"), choices=select_choices(RECTIFICATION_STATUSES.items()))
    reinspection_check_id = SelectField(_l("Re-inspection check"), coerce=_optional_id, validate_choice=False)
    completed_on = DateField(_l("Completed on"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Update"))


class ActionForm(Form):
    officer_id = SelectField(_l("Officer"), coerce=_optional_id, validate_choice=False)
    kind = SelectField(_l("Action"), choices=select_choices(ACTION_KINDS.items()))
    decision_no = StringField(_l("Decision number"), validators=[DataRequired(), Length(max=60)])
    decided_on = DateField(_l("Decided on"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Record action"))


class AppealForm(Form):
    reason = TextAreaField(_l("Grounds of the appeal"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("File appeal"))


class AppealDecisionForm(Form):
    outcome = SelectField(_l("Outcome"), choices=select_choices(APPEAL_OUTCOMES.items()))
    severity = SelectField(_l("New severity (if changed)"), coerce=_optional_id, choices=_blank(SEVERITIES.items()))
    deduction = DecimalField(
        _l("New deduction points (if changed)"), places=1, validators=[Optional(), NumberRange(min=0, max=100)]
    )
    decision_note = TextAreaField(_l("Reasons"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Decide"))


class DrawForm(Form):
    period_start = DateField(_l("Period from"), validators=[DataRequired()])
    period_end = DateField(_l("Period until"), validators=[DataRequired()])
    street_id = SelectField(_l("Street"), coerce=_optional_id)
    random_count = IntegerField(
        _l("Drawn at random"), default=3, validators=[InputRequired(), NumberRange(min=0, max=500)]
    )
    weighted_count = IntegerField(
        _l("Drawn by risk"), default=7, validators=[InputRequired(), NumberRange(min=0, max=500)]
    )
    seed = IntegerField(
        _l("Seed (empty: a fresh random seed)"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    submit = SubmitField(_l("Run draw"))


class ChecklistForm(Form):
    target_type = SelectField(_l("Target"), choices=select_choices(TARGET_TYPES.items()))
    items = TextAreaField(_l("Checklist items, one per line"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Publish new version"))
