"""Administrator page for API tokens: issue (the secret is shown once) and revoke."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from hrapp.api import services
from hrapp.core.forms import Form, commit_or_refuse, select_choices
from hrapp.core.permissions import Role, role_required
from hrapp.extensions import db
from hrapp.workload.models import SourceSystem

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api-tokens")


class TokenForm(Form):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])
    source_system_id = SelectField(_l("Source system"), coerce=int, validate_choice=False)


class RevokeForm(Form):
    pass


def _form() -> TokenForm:
    form = TokenForm()
    systems = db.session.execute(
        sa.select(SourceSystem.id, SourceSystem.name).where(SourceSystem.active.is_(True)).order_by(SourceSystem.name)
    ).all()
    form.source_system_id.choices = select_choices([(0, _("— choose —"))] + [(row.id, row.name) for row in systems])
    return form


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def tokens():
    form = _form()
    secret = None
    if form.validate_on_submit():
        ok, issued = commit_or_refuse(
            form, lambda: services.issue_token(form.name.data, form.source_system_id.data or 0, current_user)
        )
        if ok:
            # Shown on this response only (never flashed: the session cookie would carry it).
            secret = issued[1]
            form = _form()
            form.name.data = ""
    return render_template(
        "api/tokens.html", form=form, tokens=services.list_tokens(), secret=secret, revoke_form=RevokeForm()
    )


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@role_required(Role.ADMIN)
def revoke(token_id: int):
    form = RevokeForm()
    if form.validate_on_submit():
        ok, token = commit_or_refuse(None, lambda: services.revoke_token(token_id, current_user))
        if ok:
            flash(_("Token %(name)s revoked.", name=token.name), "success")
    return redirect(url_for("api_admin.tokens"))
