"""Sessions end for real: at logout, and on every browser after a password change, an
administrator's reset or disabling the account, remember-me cookies included. Attacked the way a
thief would: by replaying cookies copied before the change."""

from __future__ import annotations

import re

import pytest

from hrapp.auth.views import load_user
from hrapp.extensions import db
from tests.conftest import IsolatedClient, sign_in
from tests.factories import PASSWORD

NEW_PASSWORD = "a-brand-new-pass-1"


def new_browser(app) -> IsolatedClient:
    client = IsolatedClient(app, app.response_class, use_cookies=True)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def log_in(client, username, password=PASSWORD, remember=False):
    data = {"username": username, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, f"{username} could not log in"
    return response


def cookies_of(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token") if client.get_cookie(name)}


def replay(app, cookies: dict[str, str]) -> IsolatedClient:
    """A thief's browser holding copies of the given cookies."""
    thief = new_browser(app)
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def opens_pages(client) -> bool:
    return client.get("/officers/").status_code == 200


@pytest.fixture
def hr_browser(app, world):
    browser = new_browser(app)
    log_in(browser, "hr", remember=True)
    return browser


def stolen_cookies(app, browser) -> tuple[IsolatedClient, IsolatedClient]:
    """Replays of `browser`'s session cookie and of its remember-me cookie alone, checked to work now."""
    cookies = cookies_of(browser)
    assert set(cookies) == {"session", "remember_token"}
    session_only = replay(app, {"session": cookies["session"]})
    remember_only = replay(app, {"remember_token": cookies["remember_token"]})
    assert opens_pages(session_only) and opens_pages(remember_only), "the copies work before the change"
    return replay(app, {"session": cookies["session"]}), replay(app, {"remember_token": cookies["remember_token"]})


def test_a_session_cookie_replayed_after_logout_opens_nothing(app, world):
    browser = new_browser(app)
    log_in(browser, "hr")
    copied = cookies_of(browser)
    assert browser.post("/logout").status_code == 302
    assert not opens_pages(browser)
    assert not opens_pages(replay(app, copied))


def test_a_remember_cookie_replayed_after_logout_opens_nothing(app, world, hr_browser):
    copied = cookies_of(hr_browser)
    hr_browser.post("/logout")
    assert not opens_pages(replay(app, {"remember_token": copied["remember_token"]}))


def test_a_password_change_ends_every_other_session_and_remember_cookie(app, world, hr_browser):
    session_copy, remember_copy = stolen_cookies(app, hr_browser)
    elsewhere = new_browser(app)
    log_in(elsewhere, "hr")

    response = hr_browser.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert opens_pages(hr_browser), "the browser that changed the password stays logged in"
    assert not opens_pages(session_copy)
    assert not opens_pages(remember_copy)
    assert not opens_pages(elsewhere)
    remembered = replay(app, {"remember_token": hr_browser.get_cookie("remember_token").value})
    assert opens_pages(remembered), "the changing browser's remember-me cookie was renewed"


def test_an_admin_reset_ends_every_session_and_remember_cookie(app, world, hr_browser, as_role):
    session_copy, remember_copy = stolen_cookies(app, hr_browser)
    admin = as_role("admin")
    response = admin.post(f"/admin/users/{world.hr.id}/password", data={"password": NEW_PASSWORD})
    assert response.status_code == 302
    for client in (hr_browser, session_copy, remember_copy):
        assert not opens_pages(client)
    assert opens_pages(admin), "resetting someone else's password leaves the admin logged in"


def test_an_admin_resetting_their_own_password_stays_logged_in_here_only(app, world):
    admin = new_browser(app)
    log_in(admin, "admin")
    copied = cookies_of(admin)
    assert admin.post(f"/admin/users/{world.admin.id}/password", data={"password": NEW_PASSWORD}).status_code == 302
    assert opens_pages(admin)
    assert not opens_pages(replay(app, copied))


def test_disabling_a_user_ends_their_sessions_and_remember_cookies(app, world, as_role):
    inspector = new_browser(app)
    log_in(inspector, "inspector", remember=True)
    session_copy, remember_copy = stolen_cookies(app, inspector)
    data = {"username": "inspector", "display_name": "", "role": "inspector", "street_id": "0"}
    assert as_role("admin").post(f"/admin/users/{world.inspector.id}", data=data).status_code == 302

    # Enabled again at once: the cookies must stay dead, not just be refused while disabled.
    data["active"] = "y"
    assert as_role("admin").post(f"/admin/users/{world.inspector.id}", data=data).status_code == 302
    for client in (inspector, session_copy, remember_copy):
        assert not opens_pages(client)
    log_in(new_browser(app), "inspector")


def test_login_renews_the_session(app, world):
    browser = new_browser(app)
    browser.post("/language/en")  # something in the session before login
    before = browser.get_cookie("session").value
    log_in(browser, "hr")
    after = browser.get_cookie("session").value
    assert after != before
    assert not opens_pages(replay(app, {"session": before})), "the pre-login session is not logged in"


def csrf_token_on(page) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_login_renews_the_csrf_token(side_app):
    from hrapp.auth.services import create_user

    protected = side_app(WTF_CSRF_ENABLED=True)
    with protected.app_context():
        create_user("clerk", PASSWORD, "hr_clerk")
        db.session.commit()
    browser = protected.test_client()
    before_login = csrf_token_on(browser.get("/login"))
    response = browser.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": before_login})
    assert response.status_code == 302

    form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert browser.post("/account/password", data={**form, "csrf_token": before_login}).status_code == 400
    fresh = csrf_token_on(browser.get("/account/password"))
    assert fresh != before_login
    assert browser.post("/account/password", data={**form, "csrf_token": fresh}).status_code == 302


def test_the_login_id_carries_the_session_token(world):
    assert world.hr.get_id() == f"{world.hr.id}:{world.hr.session_token}"
    assert load_user(world.hr.get_id()) == world.hr


@pytest.mark.parametrize(
    "login_id",
    ["", "2", "2:", ":token", "2:wrong-token", "x:token", "١:token", "99999999999999999999999:token", "2:tokén"],
)
def test_a_stale_or_malformed_login_id_loads_nobody(world, login_id):
    assert load_user(login_id) is None


def test_a_session_signed_in_with_a_bare_user_id_is_not_logged_in(app, world):
    """Sessions from before the session token (they held only the id) log nobody in."""
    browser = sign_in(new_browser(app), world.hr)
    assert opens_pages(browser)
    with browser.session_transaction() as session:
        session["_user_id"] = str(world.hr.id)
    assert not opens_pages(browser)
