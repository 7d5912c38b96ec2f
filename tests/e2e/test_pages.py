"""Every main page, as each role, over the demo district: it renders and fits a 1366-pixel screen.

Set E2E_SCREENSHOTS=<folder> to keep a full-page PNG of each (for looking at the UI by eye).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from hrapp.auth.models import User
from hrapp.core.audit import reset_actor, set_actor
from hrapp.officers.models import Officer
from hrapp.org.models import Community, Grid, Street
from hrapp.seed.demo import seed_demo
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

PASSWORD = "demo-password-1"
STAFF_PAGES = [
    "/",
    "/officers/",
    "/officers/?page=2",
    "/officers/?q=FT0001",
    "/officers/{officer}",
    "/officers/{officer}/edit",
    "/officers/{officer}/history",
    "/officers/new",
    "/officers/import",
    "/officers/grids",
    "/officers/grids?vacant=1",
    "/org/",
    "/org/streets/{street}",
    "/org/communities/{community}",
    "/org/grids/{grid}/edit",
    "/account/password",
]
PAGES = {
    "admin": [*STAFF_PAGES, "/admin/users", "/admin/users/new", "/admin/users/{user}", "/admin/audit"],
    "hr": STAFF_PAGES,
    "hr_futian": STAFF_PAGES,
    "inspector": ["/", "/officers/", "/officers/{officer}", "/officers/grids", "/org/", "/org/streets/{street}"],
    "officer": ["/", "/me", "/account/password", "/officers/"],
}
# Pages a role may not open: they must show the 403 page, not break.
FORBIDDEN = {("officer", "/officers/")}


def _seed_demo(db) -> dict:
    token = set_actor(None, "seed")
    try:
        seed_demo(officers=150, password=PASSWORD)
        db.session.commit()
    finally:
        reset_actor(token)
    street = db.session.scalar(sa.select(Street).where(Street.code == "FT03"))
    community = db.session.scalar(sa.select(Community).where(Community.street_id == street.id).order_by(Community.code))
    officer = db.session.scalar(
        sa.select(Officer).where(Officer.street_id == street.id).order_by(Officer.employee_no).limit(1)
    )
    return {
        "officer": officer.id,
        "street": street.id,
        "community": community.id,
        "grid": db.session.scalar(sa.select(Grid.id).where(Grid.community_id == community.id).limit(1)),
        "user": db.session.scalar(sa.select(User.id).where(User.username == "hr_futian")),
    }


# Every role in Chinese; the administrator (the longest navigation) in English too, whose labels run wider.
@pytest.mark.parametrize(("username", "locale"), [(username, "zh-CN") for username in PAGES] + [("admin", "en")])
def test_main_pages_render_and_fit_the_screen(e2e_db, new_page, username, locale):
    ids = _seed_demo(e2e_db)
    shots = os.environ.get("E2E_SCREENSHOTS")
    prefix = f"{shots}/{username}-{locale}"
    page = new_page(locale=locale)
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.goto("/login")
        page.screenshot(path=f"{prefix}-00-login.png", full_page=True)
    log_in(page, username, PASSWORD)
    problems = []
    for number, template in enumerate(PAGES[username], start=1):
        path = template.format(**ids)
        response = page.goto(path)
        expected = 403 if (username, path) in FORBIDDEN else 200
        if response.status != expected:
            problems.append(f"{path}: HTTP {response.status}, expected {expected}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"{path}: {overflow}px wider than the window")
        if shots:
            name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home"
            page.screenshot(path=f"{prefix}-{number:02d}-{name}.png", full_page=True)
    assert not problems, "\n".join(problems)
