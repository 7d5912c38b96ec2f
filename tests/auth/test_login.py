"""Login, logout, rate limit, safe redirects, CSRF, cookies, configuration. Sessions and the login
throttle have their own modules."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hrapp import create_app
from hrapp.auth.models import User
from hrapp.extensions import db, limiter
from tests.conftest import IsolatedClient
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def browser(app):
    client = IsolatedClient(app, app.response_class, use_cookies=True)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def log_in(client, username, password=PASSWORD, next_url=None):
    url = "/login" if next_url is None else f"/login?next={next_url}"
    return client.post(url, data={"username": username, "password": password})


def user(username) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_login_and_logout(world, browser):
    response = log_in(browser, "hr")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert browser.get("/officers/").status_code == 200
    assert user("hr").last_login_at is not None

    assert browser.post("/logout").headers["Location"] == "/login"
    assert browser.get("/officers/").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_answer(world, browser):
    wrong = log_in(browser, "hr", "not-the-password")
    unknown = log_in(browser, "nobody", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Login failed. Check your username and password" in response.get_data(as_text=True)
    assert browser.get("/officers/").status_code == 302


def test_a_disabled_account_cannot_log_in_and_loses_its_session(app, world, browser):
    assert log_in(browser, "inspector").status_code == 302
    world.inspector.active = False
    db.session.commit()
    assert browser.get("/officers/").status_code == 302, "a disabled user's session no longer opens pages"
    response = log_in(browser, "inspector")
    assert "This account is disabled." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "evil.example",
        "/\t/evil.example",
    ],
)
def test_next_must_stay_on_this_site(world, browser, target):
    from urllib.parse import quote

    response = log_in(browser, "hr", next_url=quote(target, safe=""))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_to_a_page_of_this_site_is_followed(world, browser):
    response = log_in(browser, "hr", next_url="/officers/%3Fq%3D1")
    assert response.headers["Location"] == "/officers/?q=1"


def test_anonymous_users_are_sent_to_login_with_the_page_to_return_to(world, browser):
    response = browser.get("/officers/?q=1")
    assert response.headers["Location"] == "/login?next=/officers/?q%3D1"


def test_language_switch_redirects_only_on_site(world, browser):
    response = browser.post("/language/en", data={"next": "//evil.example"})
    assert response.headers["Location"] == "/"
    response = browser.post("/language/en", data={"next": "/officers/"})
    assert response.headers["Location"] == "/officers/"
    assert browser.post("/language/fr").status_code == 404


def test_language_choice_is_saved_for_a_logged_in_user(world, browser):
    log_in(browser, "hr")
    browser.environ_base.pop("HTTP_ACCEPT_LANGUAGE")
    browser.post("/language/en")
    assert user("hr").locale == "en"
    assert "Officers" in browser.get("/officers/").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(world, browser):
    response = log_in(browser, "hr")
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_change_own_password(world, browser):
    log_in(browser, "hr")
    wrong = browser.post(
        "/account/password",
        data={"current_password": "nope-nope", "new_password": "another-pass-1", "confirm": "another-pass-1"},
    )
    assert "The current password is wrong." in wrong.get_data(as_text=True)
    mismatch = browser.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "another-pass-1", "confirm": "another-pass-2"},
    )
    assert "The passwords differ." in mismatch.get_data(as_text=True)
    done = browser.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "another-pass-1", "confirm": "another-pass-1"},
    )
    assert done.status_code == 302
    browser.post("/logout")
    assert log_in(browser, "hr", "another-pass-1").status_code == 302


# --- applications with other settings ------------------------------------------------------------


def test_login_is_rate_limited(side_app, monkeypatch):
    # The limiter is one extension instance: the app built here would switch it on for the shared app.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    limited = side_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    statuses = [client.post("/login", data={"username": "x", "password": "y"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/login").status_code == 200, "only POSTs count"
    limiter.reset()


def test_csrf_is_enforced_when_enabled(side_app):
    protected = side_app(WTF_CSRF_ENABLED=True)
    with protected.app_context():
        UserFactory(username="someone")
        db.session.commit()
    client = protected.test_client()
    assert client.post("/login", data={"username": "someone", "password": PASSWORD}).status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "someone", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secrets(monkeypatch, missing):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db.example/hrapp")
    monkeypatch.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        create_app("production")


def test_production_takes_its_secrets_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db.example/hrapp")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://queue.example:6379/0")
    production = create_app("production")
    assert production.config["CELERY_BROKER_URL"] == "redis://queue.example:6379/0"
    assert production.config["SECRET_KEY"] == "k" * 64
    assert production.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/hrapp"
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert not production.debug and not production.testing


def test_an_unknown_configuration_name_is_refused():
    with pytest.raises(RuntimeError, match="Unknown HRAPP_CONFIG"):
        create_app("staging")
