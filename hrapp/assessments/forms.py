from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, SelectField, StringField, SubmitField, TextAreaField
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
