from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hrapp.core.forms import Form


def _optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class ScaleDraftForm(Form):
    effective_from = DateField(_l("Effective from"), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=80)])
    document_no = StringField(_l("Approval document number"), validators=[Optional(), Length(max=60)])
    percent = DecimalField(
        _l("Raise every amount by (%)"),
        places=2,
        validators=[Optional(), NumberRange(min=-99.99, max=1000)],
        description=_l("Leave empty to copy the latest approved version unchanged."),
    )
    submit = SubmitField(_l("Start draft"))


class ScaleEditForm(Form):
    effective_from = DateField(_l("Effective from"), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=80)])
    document_no = StringField(_l("Approval document number"), validators=[Optional(), Length(max=60)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save draft"))


class ApproveForm(Form):
    document_no = StringField(_l("Approval document number"), validators=[Optional(), Length(max=60)])
    submit = SubmitField(_l("Approve and lock"))


class ConfirmForm(Form):
    submit = SubmitField(_l("Confirm"))


class RuleDraftForm(Form):
    effective_from = DateField(_l("Effective from"), validators=[DataRequired()])
    document_no = StringField(_l("Approval document number"), validators=[Optional(), Length(max=60)])
    submit = SubmitField(_l("Start draft"))


def _money_field(label):
    return DecimalField(label, places=2, validators=[InputRequired(), NumberRange(min=0, max=9999999)])


def _coefficient_field(label):
    return DecimalField(label, places=2, validators=[InputRequired(), NumberRange(min=0, max=9.99)])


class RuleEditForm(Form):
    effective_from = DateField(_l("Effective from"), validators=[DataRequired()])
    document_no = StringField(_l("Approval document number"), validators=[Optional(), Length(max=60)])
    seniority_per_year = _money_field(_l("Seniority allowance per year of service"))
    seniority_max_years = IntegerField(_l("Years counted at most"), validators=[InputRequired(), NumberRange(0, 60)])
    certificate_amount = _money_field(_l("Skill certificate allowance per certificate"))
    certificate_max_count = IntegerField(
        _l("Certificates counted at most"), validators=[InputRequired(), NumberRange(0, 60)]
    )
    difficulty_residential = _money_field(_l("Grid difficulty: residential"))
    difficulty_commercial = _money_field(_l("Grid difficulty: commercial"))
    difficulty_urban_village = _money_field(_l("Grid difficulty: urban village"))
    difficulty_special = _money_field(_l("Grid difficulty: special"))
    performance_pool_share = _money_field(_l("Performance pool share per officer and month"))
    coefficient_excellent = _coefficient_field(_l("Coefficient: excellent (优秀)"))
    coefficient_qualified = _coefficient_field(_l("Coefficient: qualified (合格)"))
    coefficient_basic = _coefficient_field(_l("Coefficient: basically qualified (基本合格)"))
    coefficient_unqualified = _coefficient_field(_l("Coefficient: unqualified (不合格)"))
    coefficient_none = _coefficient_field(_l("Coefficient: no annual result yet"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save draft"))


class CloseMonthForm(Form):
    month = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Close this month"))


class StandardForm(Form):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    amount_per_officer = DecimalField(
        _l("Yuan per officer per year"), places=2, validators=[InputRequired(), NumberRange(min=0.01, max=9999999)]
    )
    document_no = StringField(_l("Document number"), validators=[Optional(), Length(max=60)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save standard"))


class WhatIfForm(Form):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    scale_id = SelectField(_l("Draft scale"), coerce=_optional_int, validators=[Optional()])
    percent = DecimalField(
        _l("or the scale in force plus (%)"), places=2, validators=[Optional(), NumberRange(-99.99, 1000)]
    )
    street_id = SelectField(_l("Street"), coerce=_optional_int, validators=[Optional()])
