"""What every request gets before and after the views: bounded integers and security headers.

Integers from the outside (path segments, query strings, form fields) reach SQL, where a value
beyond the database's integer range raises OverflowError (SQLite) or a DataError (PostgreSQL) — a
500 for a mistyped link. So the `int` URL converter matches only ids a column can hold (a larger
one is a 404), and `request.args/form/values.get(..., type=int)` treats an out-of-range number like
any other non-number: the default. Views with a narrower sane range use `int_arg`.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, Request, request
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from hrapp.core.forms import EARLIEST_DATE, LATEST_DATE

# The range of a 32-bit INTEGER column (PostgreSQL `integer`); SQLite would take 64 bits.
DB_INT_MAX = 2**31 - 1

# No inline script or style element and no framing; style attributes stay allowed because the
# vendored chart library writes them into its tooltips.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def bounded_int(text, low: int = -DB_INT_MAX, high: int = DB_INT_MAX) -> int:
    """int(text) within [low, high]; anything else raises ValueError (as a non-number does)."""
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{value} is out of range")
    return value


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only ids an INTEGER column can hold: a larger one is a 404."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None, max: int | None = None):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=DB_INT_MAX if max is None else max)


class BoundedMultiDict(ImmutableMultiDict):
    def get(self, key, default=None, type=None):  # noqa: A002
        return super().get(key, default, bounded_int if type is int else type)


class BoundedCombinedMultiDict(CombinedMultiDict):
    def get(self, key, default=None, type=None):  # noqa: A002
        return super().get(key, default, bounded_int if type is int else type)


class BoundedRequest(Request):
    parameter_storage_class = BoundedMultiDict

    @property
    def values(self) -> CombinedMultiDict:
        sources = [self.args]
        if self.method != "GET":
            sources.append(self.form)
        return BoundedCombinedMultiDict(sources)


def int_arg(name: str, default: int | None = None, *, low: int = -DB_INT_MAX, high: int = DB_INT_MAX) -> int | None:
    """An integer query parameter within [low, high], else `default` (a year, a page, an id)."""
    try:
        return bounded_int(request.args[name], low, high)
    except (KeyError, ValueError):
        return default


def date_arg(name: str) -> dt.date | None:
    """A date query parameter within the dates the forms accept, else None: arithmetic a day or a
    month beyond a far-off date must not leave what a date can hold."""
    try:
        value = dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return value if EARLIEST_DATE <= value <= LATEST_DATE else None


def page_args(page: int | None, per_page: int | None) -> tuple[int, int]:
    """Page number and size for a paginated list: given ones, else the request's `page` and
    `per_page` when sane (Flask-SQLAlchemy would pass any integer on to OFFSET)."""
    if page is None:
        page = int_arg("page", 1, low=1, high=DB_INT_MAX // 1000)
    if per_page is None:
        per_page = int_arg("per_page", 20, low=1, high=1000)
    return page, per_page


def _security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        # Every page but the static files may show personal data: no copy in any cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    app.request_class = BoundedRequest
    app.url_map.converters["int"] = BoundedIntConverter
    app.after_request(_security_headers)
