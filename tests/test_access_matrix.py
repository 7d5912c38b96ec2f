"""Route × role matrix: every route of the application has an expected status for every role.

The expectations live next to each domain's tests, in `tests/<domain>/access.py`:

    ROUTES = {
        "officers.profile": {
            "params": lambda world: {"officer_id": world.officer.id},
            "GET": {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 200,
                    "officer": 403, "anonymous": 302},
            "POST": {...},  # status when POSTing an empty form
        },
    }

A route added without an entry fails here, and so does a view that forgot its guard.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from flask import url_for

from hrapp import create_app
from hrapp.extensions import db
from tests.conftest import ROLES, client_as

TESTS_DIR = Path(__file__).parent
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def load_expectations() -> dict[str, dict]:
    tables: dict[str, dict] = {}
    for path in sorted(TESTS_DIR.glob("*/access.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.access")
        for endpoint, entry in module.ROUTES.items():
            assert endpoint not in tables, f"{endpoint} has two entries (second in {path})"
            tables[endpoint] = entry
    return tables


def route_methods(app) -> dict[str, set[str]]:
    """Endpoint → the HTTP methods its rules accept (an endpoint may have several rules)."""
    methods: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods.setdefault(rule.endpoint, set()).update(rule.methods - IGNORED_METHODS)
    return methods


_APP = create_app({"CONFIG": "testing"})
ROUTE_METHODS = route_methods(_APP)
EXPECTATIONS = load_expectations()
CASES = [
    pytest.param(endpoint, method, role, id=f"{endpoint}-{method}-{role}")
    for endpoint, methods in sorted(ROUTE_METHODS.items())
    for method in sorted(methods)
    for role in ROLES
]


@pytest.mark.parametrize("endpoint", sorted(ROUTE_METHODS))
def test_every_route_has_an_access_rule(endpoint):
    entry = EXPECTATIONS.get(endpoint)
    assert entry is not None, f"{endpoint} has no entry in any tests/*/access.py"
    assert callable(entry.get("params")), f"{endpoint}: 'params' must be a function of the world"
    for method in ROUTE_METHODS[endpoint]:
        assert method in entry, f"{endpoint} accepts {method} but its access entry has no {method} table"
        assert set(entry[method]) == set(ROLES), f"{endpoint} {method}: give a status for each of {ROLES}"


def test_access_tables_name_only_existing_routes():
    stale = sorted(set(EXPECTATIONS) - set(ROUTE_METHODS))
    assert not stale, f"access.py entries for routes that do not exist: {stale}"
    for endpoint, entry in EXPECTATIONS.items():
        extra = {key for key in entry if key != "params"} - ROUTE_METHODS.get(endpoint, set())
        assert not extra, f"{endpoint}: the route does not accept {sorted(extra)}"


@pytest.mark.parametrize("endpoint", sorted(ROUTE_METHODS))
def test_every_view_declares_who_may_open_it(app, endpoint):
    """role_required() or public() leaves `allowed_roles` on the view: a view without it forgot its guard."""
    view = app.view_functions[endpoint]
    assert hasattr(view, "allowed_roles"), f"{endpoint} is neither @role_required nor @public"


@pytest.mark.parametrize(("endpoint", "method", "role"), CASES)
def test_route_answers_each_role_as_expected(app, world, endpoint, method, role):
    entry = EXPECTATIONS.get(endpoint)
    if entry is None or method not in entry:
        pytest.fail(f"no expectation for {method} {endpoint}; add it to tests/<domain>/access.py")
    expected = entry[method][role]
    with app.test_request_context():
        url = url_for(endpoint, **entry["params"](world))
    db.session.commit()  # rows the params created must be visible to the request
    client = client_as(app, world, role)

    response = client.open(url, method=method, data={} if method == "POST" else None)

    assert response.status_code == expected, f"{method} {url} as {role}: {response.status_code}, expected {expected}"
    if role == "anonymous" and expected == 302 and endpoint not in {"auth.set_language", "auth.logout"}:
        assert response.headers["Location"].startswith("/login"), "anonymous users are sent to the login page"


def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["status"] == 404
