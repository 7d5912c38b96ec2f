from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hrapp.core.forms import Form, select_choices
from hrapp.training.models import COURSE_CATEGORIES


class CourseForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    category = SelectField(_l("Category"), choices=select_choices(COURSE_CATEGORIES.items()))
    hours = DecimalField(_l("Hours"), places=1, validators=[InputRequired(), NumberRange(min=0, max=9999)])
    is_exam = BooleanField(_l("Ends with an exam"))
    pass_score = IntegerField(_l("Pass score"), validators=[Optional(), NumberRange(min=0, max=100)])
    certificate_months = IntegerField(
        _l("Certificate valid for (months)"), validators=[Optional(), NumberRange(min=1, max=240)]
    )
    mandatory_tier_ids = SelectMultipleField(_l("Mandatory for tiers"), coerce=int)
    active = BooleanField(_l("In use"), default=True)
    submit = SubmitField(_l("Save"))

    def values(self) -> dict:
        return {
            "code": self.code.data,
            "title": self.title.data,
            "category": self.category.data,
            "hours": self.hours.data,
            "is_exam": self.is_exam.data,
            "pass_score": self.pass_score.data,
            "certificate_months": self.certificate_months.data,
            "mandatory_tier_ids": self.mandatory_tier_ids.data or [],
            "active": self.active.data,
        }


class SessionForm(Form):
    course_id = SelectField(_l("Course"), coerce=int)
    code = StringField(_l("Session code (optional)"), validators=[Optional(), Length(max=40)])
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=120)])
    trainer = StringField(_l("Trainer"), validators=[Optional(), Length(max=80)])
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=1)])
    submit = SubmitField(_l("Save"))


class BulkAttendanceForm(Form):
    """Only carries the CSRF token; the rows are read from the request by officer id."""
