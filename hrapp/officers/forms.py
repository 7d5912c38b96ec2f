from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from hrapp.core.forms import Form, select_choices
from hrapp.officers.models import EDUCATION, POLITICAL_STATUS, SEXES, STATUSES


def _blank(choices: dict) -> list:
    return select_choices([("", "—"), *choices.items()])


class OfficerForm(Form):
    version = HiddenField()
    employee_no = StringField(_l("Employee no."), validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=40)])
    id_number = StringField(_l("ID number"), validators=[DataRequired(), Length(min=18, max=18)])
    sex = SelectField(_l("Sex"), choices=_blank(SEXES), validators=[Optional()])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=20)])
    education = SelectField(_l("Education"), choices=_blank(EDUCATION), validators=[Optional()])
    political_status = SelectField(_l("Political status"), choices=_blank(POLITICAL_STATUS), validators=[Optional()])
    street_id = SelectField(_l("Employing street"), coerce=int)
    hire_date = DateField(_l("Hire date"), validators=[InputRequired()])
    contract_start = DateField(_l("Contract start"), validators=[Optional()])
    contract_end = DateField(_l("Contract end"), validators=[Optional()])
    status = SelectField(_l("Employment status"), choices=select_choices(STATUSES.items()))
    submit = SubmitField(_l("Save"))

    def values(self) -> dict:
        return {
            "employee_no": self.employee_no.data,
            "name": self.name.data,
            "id_number": (self.id_number.data or "").strip().upper(),
            "sex": self.sex.data or None,
            "phone": self.phone.data or "",
            "education": self.education.data or None,
            "political_status": self.political_status.data or None,
            "street_id": self.street_id.data,
            "hire_date": self.hire_date.data,
            "contract_start": self.contract_start.data,
            "contract_end": self.contract_end.data,
            "status": self.status.data,
        }


class PostingForm(Form):
    grid_id = SelectField(_l("Grid"), coerce=int, validators=[DataRequired(message=_l("Choose a grid."))])
    start = DateField(_l("From"), validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Post to grid"))


class EndPostingForm(Form):
    end = DateField(_l("Ends on"), validators=[InputRequired()])
    submit = SubmitField(_l("End posting"))


class DeactivateForm(Form):
    on = DateField(_l("Leaving date"), validators=[InputRequired()])
    submit = SubmitField(_l("Record departure"))


class IdCorrectionForm(Form):
    id_number = StringField(_l("Correct ID number"), validators=[DataRequired(), Length(max=40)])
    reason = StringField(_l("Reason for the correction"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Correct the ID number"))
