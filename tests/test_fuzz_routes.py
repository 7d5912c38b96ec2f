"""No input may produce a 500, and a refused request changes nothing.

Every rule of `app.url_map` (every method) is fed, as a random role, with hostile values: integers
beyond 64 bits, negatives, 1e309, NaN, control characters, very long and full-width text, dates
out of range, formula payloads. Path arguments are the route's real ids or such values; query
parameters are every name the code reads (found in the source, so a new one is fuzzed too) plus
the page's own filter fields; a POST starts from the form the application renders for that URL
(so the other fields are valid and the hostile value reaches the service) and spoils a few fields.

The budget is fixed per rule and method (the known classes in each field, then FUZZ_EXAMPLES
random examples, default 3), so the file costs seconds.
"""

from __future__ import annotations

import html.parser
import io
import os
import re
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrapp import create_app
from hrapp.core.audit import AuditEvent
from hrapp.extensions import db
from tests.conftest import ROLES, client_as
from tests.test_access_matrix import EXPECTATIONS

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
SOURCE_DIR = Path(__file__).resolve().parent.parent / "hrapp"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Requests that write on purpose even when they answer 200: a failed login is counted (lockout),
# revealing an ID number is logged as a read.
WRITES_ON_SUCCESS = {"auth.login", "officers.reveal_id", "me.reveal_id"}

HOSTILE = [
    str(2**63),
    str(2**63 - 1),
    str(-(2**63) - 1),
    str(2**31),
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "-1e309",
    "1E+999999",
    "nan",
    "NaN",
    "sNaN",
    "inf",
    "-Infinity",
    "0.00000000000000000000001",
    "１２",  # full-width digits
    "²",
    "٣",
    "1_000",
    " 7 ",
    "张\x07三",
    "\x00",
    "a\x1b[31mb",
    "line\r\nbreak",
    "x" * 5000,
    "长" * 300,
    "0001-01-01",
    "9999-12-31",
    "-0001-01-01",
    "2026-02-30",
    '=HYPERLINK("http://example.com","x")',
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=40),
)

_APP = create_app({"CONFIG": "testing"})


def _names_read_in_source() -> set[str]:
    """Every literal parameter name a view reads from the request (args, form, values, int_arg)."""
    pattern = re.compile(r"""(?:args|form|values)\.get\(\s*f?["']([\w-]+)|int_arg\(\s*["']([\w-]+)""")
    names: set[str] = set()
    for path in SOURCE_DIR.rglob("*.py"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return names


QUERY_NAMES = sorted(_names_read_in_source())
RULES = [
    pytest.param(rule.rule, rule.endpoint, method, id=f"{method} {rule.rule}")
    for rule in sorted(_APP.url_map.iter_rules(), key=lambda rule: rule.rule)
    if rule.endpoint != "static"
    for method in sorted(rule.methods - IGNORED_METHODS)
]


class _Forms(html.parser.HTMLParser):
    """The forms of a page: action, method and each field's current (valid) value."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(attrs.get("action") or self.page_url).path
            self._form = {
                "action": action,
                "method": (attrs.get("method") or "get").lower(),
                "fields": {},
                "kinds": {},
            }
            self.forms.append(self._form)
            return
        if self._form is None or not attrs.get("name"):
            return
        fields, name = self._form["fields"], attrs["name"]
        self._form["kinds"].setdefault(name, attrs.get("type", "text") if tag == "input" else tag)
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields[name] = attrs.get("value", "y")
            elif kind not in ("submit", "button", "file"):
                fields[name] = attrs.get("value", "")
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select:
            if "selected" in attrs or not fields.get(self._select):
                fields[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _fill(rule: str, values: dict) -> str:
    def value(match):
        return quote(str(values[match.group(1)]), safe="")

    return re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", value, rule)


def _pages_showing(app, world, url: str, params: dict, endpoint: str) -> list[str]:
    """GET pages that may hold a form posting to `url`: the URL itself, and every page whose
    arguments are among the route's parameters (a profile holds the deactivate form…)."""
    pages = [url] if "GET" in app.url_map._rules_by_endpoint[endpoint][0].methods else []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods or not rule.arguments <= set(params):
            continue
        if rule.arguments or not params:
            pages.append(_fill(rule.rule, params))
    return list(dict.fromkeys(pages))


def _baseline(app, world, url: str, params: dict, endpoint: str, method: str):
    """Valid field values of the form that `method`s to `url` (as rendered) with each field's
    kind, the names of the filter fields found on the page, and the role that saw the form."""
    fields: dict = {}
    kinds: dict = {}
    filters: list[str] = []
    seen_by = "admin"
    pages = [url] if method == "GET" else _pages_showing(app, world, url, params, endpoint)
    for page in pages:
        for role in ("admin", "hr_clerk", "officer"):
            response = client_as(app, world, role, isolated=True).get(page)
            if response.status_code == 200:
                break
        else:
            continue
        if response.mimetype != "text/html":
            continue
        parser = _Forms(page)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            if form["method"] == "get":
                filters.extend(form["fields"])
            elif method == "POST" and form["action"] == urlsplit(url).path and not fields:
                fields, kinds, seen_by = dict(form["fields"]), form["kinds"], role
    return fields, kinds, filters, seen_by


def _prepare(app, world, rule: str, endpoint: str, method: str):
    """The rule's real parameters and URL, its form's valid values, and the names to spoil."""
    entry = EXPECTATIONS[endpoint]
    with app.test_request_context():
        params = entry["params"](world)
        real_url = url_for(endpoint, **params)
    db.session.commit()
    path_names = re.findall(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", rule)
    if not path_names or set(path_names) <= set(params):
        real_url = _fill(rule, params) if path_names else rule
    fields, kinds, filters, seen_by = _baseline(app, world, real_url, params, endpoint, method)
    names = sorted(set(QUERY_NAMES) | set(filters) | set(fields))
    return params, path_names, real_url, fields, kinds, names, seen_by


CHANGES = AuditEvent.action.in_(("create", "update", "delete"))


def _snapshot() -> tuple:
    """Row counts of every table and the last audit event of a change: one statement, so a request
    costs little more than itself (every audited update also writes an audit row). Reads that are
    logged on purpose (a reveal, an export for editing) are not changes."""
    db.session.rollback()
    counts = [
        sa.select(sa.func.count()).select_from(table).scalar_subquery()
        for table in db.metadata.sorted_tables
        if table is not AuditEvent.__table__
    ]
    counts.append(sa.select(sa.func.count()).where(CHANGES).scalar_subquery())
    last_audit = sa.select(sa.func.max(AuditEvent.id)).where(CHANGES).scalar_subquery()
    return tuple(db.session.execute(sa.select(*counts, last_audit)).one())


def _refused(response, method: str) -> bool:
    return 400 <= response.status_code < 500 or (method != "GET" and response.status_code == 200)


def _send(client, method: str, url: str, values: dict, fields: dict):
    if method == "GET":
        return client.get(f"{url}?{urlencode(values)}")
    query = {name: value for name, value in values.items() if name not in fields}
    return client.open(f"{url}?{urlencode(query)}", method=method, data={**fields, **values})


EXPORTS = sorted(
    _fill(rule.rule, {"fmt": fmt})
    for rule in _APP.url_map.iter_rules()
    if "export" in rule.rule and rule.arguments == {"fmt"}
    for fmt in ("xlsx", "csv")
)


def _check(response, method, url, role, endpoint, values, before, client=None) -> tuple:
    assert response.status_code < 500, f"{method} {url} as {role} with {values!r}: {response.status_code}"
    if client is not None and method != "GET" and response.status_code in (302, 303):
        # What was accepted must stay readable: the page it leads to, the form again, every export.
        for page in [urlsplit(response.headers["Location"]).path, url, *EXPORTS]:
            shown = client.get(page)
            assert shown.status_code < 500, f"after {method} {url} with {values!r}, {page}: {shown.status_code}"
    after = _snapshot()
    if method == "GET" or (_refused(response, method) and endpoint not in WRITES_ON_SUCCESS):
        assert after == before, f"{method} {url} as {role} with {values!r} was refused but changed data"
    return after


# One value of each class found so far, by the kind of field it attacks. Each goes alone into each
# field of the rendered form (the others stay valid, so the value reaches the service) and into
# every query parameter at once.
BY_KIND = {
    "number": [str(2**63), "1e309", "nan"],
    "date": ["0001-01-01"],
    "select": [str(2**63)],
    "checkbox": [],
    "radio": [],
    "password": [],
}
TEXT_VALUES = ["张\x07三", "x" * 3000]
QUERY_VALUES = [str(2**63), "-1", "1e309", "张\x07三"]


@pytest.mark.parametrize(("rule", "endpoint", "method"), RULES)
def test_no_input_is_a_server_error_and_a_refusal_changes_nothing(app, world, rule, endpoint, method):
    real_values, path_names, url, fields, kinds, names, role = _prepare(app, world, rule, endpoint, method)
    before = _snapshot()

    # Each known class in each place, deterministically.
    client = client_as(app, world, role, isolated=True)
    if method == "GET":
        attempts = [{name: value for name in names} for value in QUERY_VALUES]
    else:
        attempts = [{name: value} for name in fields for value in BY_KIND.get(kinds.get(name), TEXT_VALUES)]
    for values in attempts:
        response = _send(client, method, url, values, fields)
        before = _check(response, method, url, role, endpoint, values, before, client)

    # Then random combinations, as any role, with hostile path arguments too: the next class.
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def attack(data):
        role = data.draw(st.sampled_from(ROLES), label="role")
        path_values = {
            name: data.draw(st.one_of(st.just(real_values.get(name, 1)), hostile_text), label=name)
            for name in path_names
        }
        spoiled = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True), label="spoiled")
        values = {name: data.draw(hostile_text, label=name) for name in spoiled}
        if method != "GET" and data.draw(st.booleans(), label="with a file"):
            body = data.draw(st.sampled_from([b"", b"\xff\xfe\x00", b"a,b\n1,2\n", b"PK\x03\x04junk"]))
            filename = data.draw(st.sampled_from(["x.csv", "x.xlsx", "x.exe", "../x.csv", ".csv"]))
            values["file"] = (io.BytesIO(body), filename)
        target = _fill(rule, path_values)
        before = _snapshot()
        response = _send(client_as(app, world, role, isolated=True), method, target, values, fields)
        _check(response, method, target, role, endpoint, values, before)

    attack()
