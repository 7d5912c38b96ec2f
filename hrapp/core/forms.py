"""Form helpers shared by every domain's views, and `Form`, the base of every form.

`Form` gives each field the checks no form may forget, so that no input reaches a service or the
database in a shape that fails later (a 500 on save, or a record whose page fails for ever):
text refuses control characters (a bell in a name breaks every XLSX export), numbers must be
finite and within what a column holds (1e309 is infinity), and dates lie within 1900–2199.
"""

import datetime as dt
import decimal
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, FloatField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, StopValidation

from hrapp.errors import DomainError
from hrapp.extensions import db

# Limits applied when a field declares none of its own (a NumberRange bound overrides them).
INTEGER_LIMIT = 2**31 - 1  # a PostgreSQL `integer`
DECIMAL_LIMIT = decimal.Decimal(10) ** 9
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
# Line breaks and tabs belong in multi-line text only.
_MULTILINE_ALLOWED = re.compile("[\t\n\r]")


def _has_control_characters(text: str, multiline: bool) -> bool:
    if multiline:
        text = _MULTILINE_ALLOWED.sub("", text)
    return any(unicodedata.category(char) in ("Cc", "Cs") or char in "\ufffe\uffff" for char in text)


class NoControlCharacters:
    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and _has_control_characters(field.data, self.multiline):
            raise StopValidation(_l("Remove the control characters from this text."))


def _declared_bounds(field) -> tuple[Any, Any]:
    low = high = None
    for validator in field.validators:
        if isinstance(validator, NumberRange):
            low = validator.min if validator.min is not None else low
            high = validator.max if validator.max is not None else high
    return low, high


class SaneNumber:
    """Stops validation (other validators would raise on a NaN) unless the number is finite, and within the field's NumberRange or else the default limit of its kind."""

    def __call__(self, form, field) -> None:
        value = field.data
        if value is None:
            return
        finite = value.is_finite() if isinstance(value, decimal.Decimal) else math.isfinite(value)
        if not finite:
            raise StopValidation(_l("Enter a finite number."))
        limit = INTEGER_LIMIT if isinstance(field, IntegerField) else DECIMAL_LIMIT
        low, high = _declared_bounds(field)
        # A side the field bounds itself is left to its NumberRange (and its message).
        if (low is None and value < -limit) or (high is None and value > limit):
            low = -limit if low is None else low
            high = limit if high is None else high
            raise StopValidation(_l("Enter a number between %(low)s and %(high)s.", low=low, high=high))


class SaneDate:
    def __call__(self, form, field) -> None:
        value = field.data
        if isinstance(value, dt.date) and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise StopValidation(_l("Enter a date between 1900 and 2199."))


def input_checks(field) -> list:
    """The checks `Form` adds to a bound field of this kind."""
    if isinstance(field, PasswordField):
        return []
    if isinstance(field, TextAreaField):
        return [NoControlCharacters(multiline=True)]
    if isinstance(field, StringField):
        return [NoControlCharacters()]
    if isinstance(field, IntegerField | DecimalField | FloatField):
        return [SaneNumber()]
    if isinstance(field, DateField):
        return [SaneDate()]
    return []


class Form(FlaskForm):
    """The base of every form of the application (a test checks that none escapes it)."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            checks = input_checks(field)
            if checks:
                # First, so that a declared NumberRange never compares a NaN (which raises).
                field.validators = [*checks, *field.validators]
            return field


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
