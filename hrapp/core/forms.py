"""Form helpers shared by every domain's views."""

from flask import flash
from wtforms.fields.choices import SelectChoice

from hrapp.errors import DomainError


def select_choices(pairs) -> list[SelectChoice]:
    """Declared SelectField choices from (value, label) pairs: WTForms 3.3 deprecates raw tuples
    (and pytest turns the warning into an error)."""
    return [SelectChoice(value, label) for value, label in pairs]


def show_domain_error(form, error: DomainError) -> None:
    """Put a service's refusal next to the field it names, or at the top of the form."""
    field = getattr(form, error.field or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [error.message]
    else:
        flash(error.message, "danger")
