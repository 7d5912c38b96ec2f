"""The dispatch platform's API: tokens (scoping, revocation, last use), idempotent batches answered
per item, JSON errors (never 500), rate limiting, and the OpenAPI document under schemathesis."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from hrapp.api import services
from hrapp.api.models import ApiToken
from hrapp.extensions import db
from hrapp.workload.models import Case, SourceSystem
from tests.workload.helpers import case_row, with_defaults


@pytest.fixture
def system_id(world):
    return with_defaults()


@pytest.fixture
def secret(world, system_id):
    _token, secret = services.issue_token("platform", system_id, world.admin)
    db.session.commit()
    return secret


def post(client, secret, items, **headers):
    auth = {"Authorization": f"Bearer {secret}"} if secret else {}
    return client.post("/api/v1/cases", json={"cases": items}, headers={**auth, **headers})


def item(world, number, **changes):
    row = {key: value for key, value in case_row(world, number, **changes).items() if value != ""}
    return row


def cases() -> list[tuple]:
    return db.session.execute(
        sa.select(Case.source_system_id, Case.external_id, Case.status).order_by(
            Case.source_system_id, Case.external_id
        )
    ).all()


def test_a_batch_is_answered_per_item_and_the_same_batch_twice_changes_nothing(client, world, secret, system_id):
    items = [item(world, 1), item(world, 2, grid="NOPE"), item(world, 3, status="dispatched", handled_at=None)]
    items[2] = {k: v for k, v in items[2].items() if k not in ("handled_at", "closed_at", "rating")}
    response = post(client, secret, items, **{"Accept-Language": "en"})
    assert response.status_code == 200
    body = response.get_json()
    assert [(i["index"], i["outcome"]) for i in body["items"]] == [(0, "created"), (1, "rejected"), (2, "created")]
    assert body["items"][1]["errors"] == [{"field": "grid", "message": "Unknown grid NOPE."}]
    assert (body["created"], body["updated"], body["unchanged"], body["rejected"]) == (2, 0, 0, 1)
    before = cases()

    again = post(client, secret, items).get_json()
    assert [i["outcome"] for i in again["items"]] == ["unchanged", "rejected", "unchanged"]
    assert cases() == before == [(system_id, "C0000001", "closed"), (system_id, "C0000003", "dispatched")]


def test_a_later_state_of_the_same_case_updates_it(client, world, secret):
    post(
        client,
        secret,
        [
            {
                k: v
                for k, v in item(world, 1, status="dispatched").items()
                if k not in ("handled_at", "closed_at", "rating")
            }
        ],
    )
    body = post(client, secret, [item(world, 1)]).get_json()
    assert body["items"][0]["outcome"] == "updated"
    assert [status for _s, _e, status in cases()] == ["closed"]


def test_times_with_an_offset_are_stored_in_utc(client, world, secret):
    payload = item(world, 1, reported_at="2026-03-02T01:00:00Z", accepted_at="2026-03-02T09:10:00+08:00")
    assert post(client, secret, [payload]).status_code == 200
    stored = db.session.scalar(sa.select(Case))
    assert (stored.reported_at, stored.accepted_at) == (dt.datetime(2026, 3, 2, 1, 0), dt.datetime(2026, 3, 2, 1, 10))


def test_a_token_writes_only_for_its_own_source_system(client, world, secret, system_id):
    other = SourceSystem(code="CITY", name="市平台")
    db.session.add(other)
    db.session.commit()
    _token, other_secret = services.issue_token("city", other.id, world.admin)
    db.session.commit()
    post(client, secret, [item(world, 1)])
    body = post(client, other_secret, [item(world, 1, rating="unsatisfied")]).get_json()
    assert body["items"][0]["outcome"] == "created"  # the same external id, another system: another case
    assert sorted(system for system, _e, _s in cases()) == sorted([system_id, other.id])


def test_missing_unknown_and_revoked_tokens_are_refused_with_json(client, world, secret):
    for bad in (None, "hra_not-a-token"):
        response = post(client, bad, [item(world, 1)])
        assert response.status_code == 401
        assert response.get_json()["error"]["status"] == 401
    token = db.session.scalar(sa.select(ApiToken))
    services.revoke_token(token.id, world.admin)
    db.session.commit()
    assert post(client, secret, [item(world, 1)]).status_code == 401
    assert cases() == []


def test_the_last_use_is_recorded_and_only_a_hash_is_stored(client, world, secret):
    token = db.session.scalar(sa.select(ApiToken))
    assert token.last_used_at is None and secret not in (token.token_hash, token.prefix)
    post(client, secret, [item(world, 1)])
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'{"cases": []}',
        b'{"cases": [{"external_id": "X"}]}',
        b'{"cases": "many"}',
        b'{"cases": [], "extra": 1}',
        # A lone surrogate cannot be stored as UTF-8: refused while reading, not when writing.
        b'{"cases": [{"external_id": "\\ud800x", "category": "01-01", "source": "patrol", "grid": "G", "status": "closed", "reported_at": "2026-01-01T00:00:00"}]}',
        b'{"cases": [{"external_id": "\\u0000", "category": "01-01", "source": "patrol", "grid": "G", "status": "closed", "reported_at": "2026-01-01T00:00:00"}]}',
    ],
)
def test_bad_bodies_get_422_with_a_json_error(client, secret, body):
    response = client.post("/api/v1/cases", data=body, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422
    assert response.get_json()["error"]["status"] == 422


def test_a_batch_over_the_limit_is_refused(client, world, secret):
    response = post(client, secret, [item(world, n) for n in range(1001)])
    assert response.status_code == 422
    assert cases() == []


def test_an_out_of_range_year_is_an_item_error_not_a_crash(client, world, secret):
    body = post(client, secret, [item(world, 1, reported_at="0001-01-01T00:00:00+14:00")]).get_json()
    assert body["items"][0]["outcome"] == "rejected"
    assert body["items"][0]["errors"][0]["field"] == "reported_at"


def test_the_api_is_rate_limited_per_token_and_needs_no_csrf_token(side_app):
    from tests.factories import build_world

    app = side_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute", WTF_CSRF_ENABLED=True)
    with app.app_context():
        world = build_world()
        system_id = with_defaults()
        _token, secret = services.issue_token("platform", system_id, world.admin)
        db.session.commit()
        client = app.test_client()
        statuses = [post(client, secret, [item(world, 1)]).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert post(client, secret, [item(world, 1)]).get_json()["error"]["status"] == 429
        # The HTML pages keep their CSRF check.
        assert client.post("/admin/api-tokens/", data={"name": "x"}).status_code == 400


def test_the_openapi_document_is_generated_from_the_schemas(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    schema = document["components"]["schemas"]["CaseIn"]
    assert {"external_id", "category", "source", "grid", "status", "reported_at"} <= set(schema["required"])
    assert document["components"]["schemas"]["CaseBatch"]["properties"]["cases"]["maxItems"] == 1000


def test_the_api_never_fails_on_generated_input(app, secret):
    """schemathesis generates bodies from the OpenAPI document (valid and invalid); every answer must
    be a documented status with a body matching its schema — never a 500. Bounded: 20 examples."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema["/cases"]["POST"]

    @given(case=operation.as_strategy())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def check(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})

    check()
