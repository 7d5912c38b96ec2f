from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp

from hrapp.core.forms import Form, select_choices
from hrapp.org.models import GRID_TYPES

CODE = Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Use letters, digits, - and _ only."))


class StreetForm(Form):
    district_id = SelectField(_l("District"), coerce=int)
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20), CODE])
    name = StringField(_l("Street name"), validators=[DataRequired(), Length(max=60)])
    submit = SubmitField(_l("Save"))


class CommunityForm(Form):
    street_id = SelectField(_l("Street"), coerce=int)
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20), CODE])
    name = StringField(_l("Community name"), validators=[DataRequired(), Length(max=60)])
    submit = SubmitField(_l("Save"))


def _count(label):
    return IntegerField(label, default=0, validators=[NumberRange(min=0, max=10_000_000)])


class GridForm(Form):
    community_id = SelectField(_l("Community"), coerce=int)
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=30), CODE])
    name = StringField(_l("Grid name"), validators=[DataRequired(), Length(max=80)])
    grid_type = SelectField(_l("Grid type"), choices=select_choices(GRID_TYPES.items()))
    households = _count(_l("Households"))
    population = _count(_l("Population (实有人口)"))
    housing_units = _count(_l("Housing units (实有房屋)"))
    entities = _count(_l("Entities (实有单位)"))
    facilities = _count(_l("Facilities (实有设施)"))
    active = BooleanField(_l("In use"), default=True)
    submit = SubmitField(_l("Save"))
