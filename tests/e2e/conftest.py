"""Browser tests: the real app served over HTTP by a background thread, driven by Debian's Chromium.

The served app has CSRF protection on (unlike the rest of the suite) and its own SQLite file, on
SQLite and PostgreSQL runs alike: the session-wide `app` fixture empties its tables before every
test, which must not happen under a page the browser is looking at. A missing Chromium fails
these tests: it never skips them, so CI cannot go green without a browser.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from hrapp import create_app
from hrapp.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def e2e_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e")
    app = create_app(
        {
            "CONFIG": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'e2e.sqlite'}",
            "WTF_CSRF_ENABLED": True,
            "INSTANCE_DIR": str(folder / "instance"),
            "REPORTS_DIR": str(folder / "reports"),
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(e2e_app):
    """Base URL of the app served on a free port of 127.0.0.1."""
    server = make_server("127.0.0.1", 0, e2e_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def e2e_db(e2e_app):
    """The served app's context over a fresh schema; the test seeds it (factories use db.session)."""
    with e2e_app.app_context():
        db.drop_all()
        db.create_all()
        yield db
        db.session.remove()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (browser tests never skip)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server):
    """A factory of pages, each in its own browser context (own cookies), Chinese by default."""
    contexts = []

    def open_page(locale: str = "zh-CN"):
        context = browser.new_context(base_url=live_server, locale=locale, viewport=VIEWPORT)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, username: str, password: str) -> None:
    """Through the real login page, as a user would."""
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-testid=who]")).to_be_visible()
