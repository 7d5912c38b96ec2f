"""Chinese is the default language; the navbar button switches to English and the choice sticks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_language_button_switches_the_page_from_chinese_to_english(e2e_db, new_page):
    world = factories.build_world()
    page = new_page(locale="zh-CN")
    log_in(page, world.hr.username, factories.PASSWORD)
    page.goto("/officers/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("button", name="English").is_visible()

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/officers/")
    assert page.locator("h1").inner_text() == "Officers"
    assert page.get_by_role("button", name="Log out").is_visible()
    assert page.get_by_role("button", name="中文").is_visible()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
