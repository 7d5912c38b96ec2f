from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from hrapp.core.forms import Form, select_choices


class PeriodForm(Form):
    period = StringField(
        _l("Period"),
        validators=[DataRequired(), Length(max=7)],
        description=_l("2026-10 (month), 2026-Q4 (quarter) or 2026 (year)"),
    )
    street_id = SelectField(_l("Street"), coerce=str, validate_choice=False)
    submit = SubmitField(_l("Compute"))


class ReviewForm(Form):
    comment = TextAreaField(_l("Review comment"), validators=[Optional(), Length(max=500)])
    adjustment = DecimalField(
        _l("Adjustment (points)"), places=2, validators=[Optional(), NumberRange(min=-100, max=100)]
    )
    reason = StringField(_l("Reason for the adjustment"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Record the review"))


class ConfirmForm(Form):
    submit = SubmitField(_l("Issue"))


class AppealForm(Form):
    reason = TextAreaField(_l("Reason for the appeal"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("File the appeal"))


class DecisionForm(Form):
    outcome = SelectField(
        _l("Outcome"),
        choices=select_choices([("upheld", _l("Upheld (维持)")), ("changed", _l("Changed (变更)"))]),
    )
    decision = TextAreaField(_l("Reasons for the decision"), validators=[DataRequired(), Length(max=500)])
    adjustment = DecimalField(
        _l("Adjustment (points)"), places=2, validators=[Optional(), NumberRange(min=-100, max=100)]
    )
    submit = SubmitField(_l("Decide"))


# --- the scheme editor -------------------------------------------------------------------------
# Numbers are text fields: what was typed comes back as typed when the rules refuse it, and the
# rules themselves (scoring.validate_definition, through the service) judge every value.

MEASURE_LABELS = {
    "volume": _l("Valid event reports"),
    "closure_rate": _l("Self-handled closure rate"),
    "on_time_rate": _l("On-time verification rate"),
    "rework_rate": _l("Rework rate"),
    "satisfaction": _l("Citizen satisfaction"),
    "collection": _l("Records collected"),
    "visits": _l("Households visited"),
    "patrol": _l("Patrol hours"),
}
DIRECTION_LABELS = {"higher": _l("Higher is better"), "lower": _l("Lower is better")}
THRESHOLD_SLOTS = 4
MAX_INDICATORS = 30


class _Row(Form):
    class Meta:
        csrf = False


class ThresholdForm(_Row):
    bound = StringField(_l("Bound"), validators=[Optional(), Length(max=12)])
    earned = StringField(_l("Share earned"), validators=[Optional(), Length(max=12)])


class IndicatorForm(_Row):
    code = StringField(_l("Code"), validators=[Optional(), Length(max=30)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=40)])
    measure = SelectField(_l("Source measure"), choices=select_choices(MEASURE_LABELS.items()), validate_choice=False)
    weight = StringField(_l("Weight"), validators=[Optional(), Length(max=12)])
    normalise = BooleanField(_l("÷ workload index"))
    target = StringField(_l("Target per month"), validators=[Optional(), Length(max=12)])
    direction = SelectField(
        _l("Direction"), choices=select_choices(DIRECTION_LABELS.items()), default="higher", validate_choice=False
    )
    thresholds = FieldList(FormField(ThresholdForm), min_entries=THRESHOLD_SLOTS, max_entries=THRESHOLD_SLOTS + 2)


class BandForm(_Row):
    bound = StringField(_l("From score"), validators=[Optional(), Length(max=12)])


class SchemeForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    effective_from = DateField(_l("Effective from"), validators=[DataRequired()])
    indicators = FieldList(FormField(IndicatorForm), min_entries=1, max_entries=MAX_INDICATORS)
    integrity_code = StringField(_l("Code"), validators=[Optional(), Length(max=30)])
    integrity_name = StringField(_l("Name"), validators=[Optional(), Length(max=40)])
    integrity_weight = StringField(_l("Weight"), validators=[Optional(), Length(max=12)])
    deduction_per_finding = StringField(
        _l("Points per finding without its own"), validators=[Optional(), Length(max=12)]
    )
    veto_severity = SelectField(_l("Veto from severity"), coerce=str, validate_choice=False)
    veto_codes = SelectMultipleField(_l("Veto finding codes"), coerce=str, validate_choice=False)
    grade_bands = FieldList(FormField(BandForm), min_entries=4, max_entries=4)
    excellent_cap_percent = StringField(_l("优秀 cap (share of a cohort, %)"), validators=[Optional(), Length(max=12)])
    monthly_share = StringField(_l("Monthly scores (%)"), validators=[Optional(), Length(max=12)])
    review_share = StringField(_l("Year-end review (%)"), validators=[Optional(), Length(max=12)])
    submit = SubmitField(_l("Save the draft"))


class NewSchemeForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    effective_from = DateField(_l("Effective from"), validators=[DataRequired()])
    submit = SubmitField(_l("Create the draft"))


class SchemeConfirmForm(Form):
    submit = SubmitField(_l("Confirm"))
