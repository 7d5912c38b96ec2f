"""What the pay and funding pages share: the blueprint, argument parsing, the component labels
and the profile and /me panel."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.core.db import today
from hrapp.core.permissions import Role, has_role
from hrapp.officers import panels
from hrapp.pay import calc, queries

bp = Blueprint("pay", __name__)
ADMIN = (Role.ADMIN,)
PAY_READERS = (Role.ADMIN, Role.HR_CLERK, Role.OFFICER)


def component_labels() -> dict[str, str]:
    return {
        "base": _("Base pay"),
        "seniority": _("Seniority allowance"),
        "certificate": _("Skill certificate allowance"),
        "difficulty": _("Grid difficulty allowance"),
        "performance": _("Performance pay"),
        "adjustment": _("Adjustment"),
        "total": _("Total"),
    }


def _month_arg() -> dt.date:
    raw = request.args.get("month", "")
    try:
        month = dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return calc.month_start(today())
    return month if calc.FIRST_PAY_YEAR <= month.year <= calc.LAST_PAY_YEAR else calc.month_start(today())


def _street_arg() -> int | None:
    street_id = request.args.get("street_id", type=int)
    visible = {street.id for street in queries.visible_streets(current_user)}
    return street_id if street_id in visible else None


def _district_hr() -> bool:
    return has_role(current_user, Role.ADMIN) or (
        has_role(current_user, Role.HR_CLERK) and current_user.street_id is None
    )


def _flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "danger")


# --- profile and /me panel ---------------------------------------------------------------------


def _panel_context(officer, user):
    own = has_role(user, Role.OFFICER) and user.officer_id == officer.id
    if not (own or has_role(user, Role.ADMIN, Role.HR_CLERK)):
        return None
    on = today()
    return {
        "officer": officer,
        "own": own,
        "pay": queries.pay_on(officer, on),
        "labels": component_labels(),
    }


panels.register_panel("pay/_panel.html", _panel_context, order=40)
