"""Form helpers shared by every domain's views."""

from collections.abc import Callable
from typing import Any

from flask import flash
from wtforms.fields.choices import SelectChoice

from hrapp.errors import DomainError
from hrapp.extensions import db


def select_choices(pairs) -> list[SelectChoice]:
    """Declared SelectField choices from (value, label) pairs: WTForms 3.3 deprecates raw tuples
    (and pytest turns the warning into an error)."""
    return [SelectChoice(value, label) for value, label in pairs]


def show_domain_error(form, error: DomainError) -> None:
    """Put a service's refusal next to the field it names, or at the top of the form."""
    field = getattr(form, error.field or "", None) if form is not None else None
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [error.message]
    else:
        flash(error.message, "danger")


def commit_or_refuse(form, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run one service call for a view and own the request's single commit.

    Success: commit and return (True, result). Refusal (a DomainError): roll back, show the message
    next to the field it names on `form` (or flash it when there is no form or field), and return
    (False, None) so the view re-renders or redirects with nothing saved.
    """
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return False, None
    db.session.commit()
    return True, result
