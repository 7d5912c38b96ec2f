from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from hrapp.core.forms import Form, select_choices

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "hr_clerk": _l("HR clerk"),
    "inspector": _l("Integrity inspector"),
    "officer": _l("Grid officer"),
}


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me"))
    submit = SubmitField(_l("Log in"))


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class UserForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=80)])
    role = SelectField(
        _l("Role"),
        choices=select_choices([("", "—"), *ROLE_LABELS.items()]),
        validators=[DataRequired(message=_l("Choose a role."))],
    )
    street_id = SelectField(_l("Street (HR clerks only)"), coerce=int, choices=[])
    officer_employee_no = StringField(
        _l("Officer employee no. (officer accounts only)"), validators=[Optional(), Length(max=20)]
    )
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(min=8, max=128)])
    submit = SubmitField(_l("Save"))


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=128)])
    submit = SubmitField(_l("Reset password"))
