from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hrapp.certification.models import GRADES, RECORD_REASONS, SEVERITIES
from hrapp.core.forms import Form, select_choices
from hrapp.training.models import COURSE_CATEGORIES


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


def _blank(choices) -> list:
    return select_choices([("", "—")] + [(str(key), label) for key, label in choices])


class TierRecordForm(Form):
    tier_id = SelectField(_l("Tier"), coerce=int)
    step = IntegerField(_l("Step"), default=1, validators=[InputRequired(), NumberRange(min=1, max=8)])
    start = DateField(_l("From"), validators=[DataRequired()])
    end = DateField(_l("Until (leave empty if current)"), validators=[Optional()])
    reason = SelectField(
        _l("Reason"),
        choices=select_choices((key, RECORD_REASONS[key]) for key in ("hire", "correction")),
        default="hire",
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add tier record"))


class AnnualResultForm(Form):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    # No grade preselected: a grade is a decision the clerk makes, never a default.
    grade = SelectField(
        _l("Grade"),
        coerce=_optional_int,
        choices=_blank(GRADES.items()),
        validators=[InputRequired(message=_l("Choose the grade."))],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save annual result"))


class CaseForm(Form):
    kind = SelectField(
        _l("Type"), choices=select_choices([("promotion", _l("Promotion")), ("demotion", _l("Demotion"))])
    )
    to_tier_id = SelectField(_l("To tier"), coerce=int)
    to_step = IntegerField(_l("Step"), default=1, validators=[InputRequired(), NumberRange(min=1, max=8)])
    effective_on = DateField(_l("Effective from"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Propose"))


class CaseEditForm(Form):
    effective_on = DateField(_l("Effective from"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))


class DecisionForm(Form):
    decision = SelectField(
        _l("Decision"),
        choices=select_choices([("approve", _l("Approve")), ("reject", _l("Reject"))]),
        validators=[DataRequired()],
    )
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record decision"))


class ReversalForm(Form):
    effective_on = DateField(_l("Effective from"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Propose reversal"))


class RuleSetForm(Form):
    effective_from = DateField(_l("Effective from"), validators=[DataRequired()])
    min_service_years = IntegerField(_l("Minimum years of service"), validators=[Optional(), NumberRange(min=0)])
    min_years_in_tier = IntegerField(
        _l("Minimum years in the current tier"), validators=[Optional(), NumberRange(min=0)]
    )
    tenure_either = BooleanField(_l("Either tenure criterion suffices"))
    min_months_in_tier = IntegerField(
        _l("Minimum months in the current tier (always required)"), validators=[Optional(), NumberRange(min=0, max=120)]
    )
    training_hours = DecimalField(
        _l("Required training hours"), places=1, validators=[Optional(), NumberRange(min=0, max=9999)]
    )
    training_window_months = IntegerField(
        _l("Training window (months)"), default=12, validators=[InputRequired(), NumberRange(min=1, max=120)]
    )
    course_category = SelectField(_l("Only courses of category"), choices=_blank(COURSE_CATEGORIES.items()))
    exam_required = BooleanField(_l("Exam passed required"))
    exam_min_score = IntegerField(_l("Minimum exam score"), validators=[Optional(), NumberRange(min=0, max=100)])
    exam_window_months = IntegerField(
        _l("Exam window (months)"), default=12, validators=[InputRequired(), NumberRange(min=1, max=120)]
    )
    grade_min = SelectField(_l("Minimum annual grade"), choices=_blank(GRADES.items()), coerce=_optional_int)
    grade_years = IntegerField(_l("Over the last N years"), validators=[Optional(), NumberRange(min=1, max=10)])
    grade_min_count = IntegerField(
        _l("Years that must reach the grade"), validators=[Optional(), NumberRange(min=1, max=10)]
    )
    integrity_severity = SelectField(
        _l("No integrity finding of severity at least"), choices=_blank(SEVERITIES.items()), coerce=_optional_int
    )
    integrity_months = IntegerField(
        _l("Integrity window (months; empty: ever)"), validators=[Optional(), NumberRange(min=1, max=600)]
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save as a new version"))

    def values(self) -> dict:
        return {
            "min_service_years": self.min_service_years.data,
            "min_years_in_tier": self.min_years_in_tier.data,
            "tenure_either": self.tenure_either.data,
            "min_months_in_tier": self.min_months_in_tier.data,
            "training_hours": self.training_hours.data,
            "training_window_months": self.training_window_months.data,
            "course_category": self.course_category.data or None,
            "exam_required": self.exam_required.data,
            "exam_min_score": self.exam_min_score.data,
            "exam_window_months": self.exam_window_months.data,
            "grade_min": self.grade_min.data,
            "grade_years": self.grade_years.data,
            "grade_min_count": self.grade_min_count.data,
            "integrity_severity": self.integrity_severity.data,
            "integrity_months": self.integrity_months.data,
            "note": self.note.data,
        }


class TierForm(Form):
    annual_training_hours = DecimalField(
        _l("Required training hours per year"), places=1, validators=[InputRequired(), NumberRange(min=0, max=9999)]
    )
    max_step = IntegerField(_l("Highest step"), validators=[InputRequired(), NumberRange(min=1, max=8)])
    submit = SubmitField(_l("Save"))


class AnnualStepForm(Form):
    grade_year = IntegerField(_l("Grade year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    submit = SubmitField(_l("Grant the steps"))
