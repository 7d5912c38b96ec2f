"""Form helpers shared by every domain's views."""

from flask import flash

from hrapp.errors import DomainError


def show_domain_error(form, error: DomainError) -> None:
    """Put a service's refusal next to the field it names, or at the top of the form."""
    field = getattr(form, error.field or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [error.message]
    else:
        flash(error.message, "danger")
