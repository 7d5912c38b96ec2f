"""Error pages (HTML, JSON under /api), the health check, and bad input that must never be a 500."""

from __future__ import annotations

import pytest

from tests.conftest import client_as


@pytest.fixture
def admin(app, world):
    client = client_as(app, world, "admin", isolated=True)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_404_is_an_html_page(admin):
    response = admin.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "The page or record you asked for does not exist." in response.get_data(as_text=True)


def test_403_is_an_html_page(app, world):
    client = client_as(app, world, "officer", isolated=True)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get("/officers/")
    assert response.status_code == 403
    assert "You do not have permission to open this page." in response.get_data(as_text=True)


def test_api_paths_answer_json(admin):
    response = admin.get("/api/nothing")
    assert response.status_code == 404
    assert response.get_json() == {
        "error": {"status": 404, "message": "The page or record you asked for does not exist."}
    }


def test_405_is_answered_not_crashed(admin):
    response = admin.get("/logout")
    assert response.status_code == 405


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["dialect"] in ("sqlite", "postgresql")


def test_healthz_reports_an_unreachable_database_as_503(app, monkeypatch):
    from hrapp.extensions import db

    def broken(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(db.session, "execute", broken)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


@pytest.mark.parametrize(
    "url",
    [
        "/officers/?page=abc",
        "/officers/?page=-3",
        "/officers/?page=99999",
        "/officers/?per_page=-1",
        "/officers/?per_page=abc",
        "/officers/?per_page=100000",
        "/officers/?street_id=abc&community_id=-1&status=nonsense",
        "/officers/?q=" + "张" * 5000,
        "/officers/?q=%27%22%3B--%25_%5C",
        "/officers/grids?page=abc&street_id=xyz",
        "/officers/grids?page=-1",
        "/admin/users?page=abc&role=root&q=" + "x" * 3000,
        "/admin/audit?page=abc&entity_id=" + "9" * 200 + "&action=nonsense",
        "/org/grids/new?community_id=abc",
        "/org/communities/new?street_id=abc",
    ],
)
def test_bad_query_strings_are_never_a_500(admin, url):
    assert admin.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/officers/abc",
        "/officers/-1",
        "/officers/1.5/edit",
        "/org/streets/abc",
        "/admin/users/abc",
        "/officers/export.exe",
    ],
)
def test_non_integer_ids_are_404(admin, url):
    assert admin.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/officers/1/deactivate", {"on": "31/02/2025"}),
        ("/officers/postings/1/end", {"end": "yesterday"}),
        ("/officers/1/postings", {"grid_id": "abc", "start": "2025-01-01"}),
        ("/officers/1/edit", {"version": "abc", "name": "x"}),
        ("/officers/new", {"hire_date": "0000-00-00", "contract_start": "2025-99-01", "street_id": "x"}),
        ("/org/grids/new", {"community_id": "x", "households": "-5", "code": "bad code!"}),
        ("/admin/users/new", {"street_id": "abc", "role": "admin"}),
    ],
)
def test_bad_form_values_are_never_a_500(admin, url, data):
    assert admin.post(url, data=data).status_code in (200, 302)


def test_an_edit_with_a_non_numeric_version_is_refused_as_stale(admin, world):
    from tests.officers.test_views import edit_data

    response = admin.post(f"/officers/{world.officer.id}/edit", data=edit_data(world.officer, "abc", name="X"))
    assert response.status_code == 200
    assert "Someone else saved this profile" in response.get_data(as_text=True)
