"""The pay and funding pages in a real browser over the demo district: they render, fit a
1366-pixel screen, and the charts draw (ECharts draws an SVG in each chart element)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in
from tests.e2e.test_pages import PASSWORD, _seed_demo

pytestmark = pytest.mark.e2e

PAGES = {
    "hr": [
        "/pay/",
        "/pay/?page=2",
        "/pay/scales?on=2019-06-01",
        "/pay/rules",
        "/pay/what-if?percent=4.5",
        "/funding/",
        "/funding/2025",
        "/pay/officers/{officer}",
    ],
    "admin": ["/pay/", "/pay/scales/new", "/pay/rules/new", "/funding/?from=2011&to=2016"],
    "hr_futian": ["/pay/", "/funding/2025"],
    "officer": ["/me"],
}
CHARTS = {"/funding/", "/funding/2025", "/funding/?from=2011&to=2016"}


@pytest.mark.parametrize("username", sorted(PAGES))
def test_pay_pages_render_with_their_charts(e2e_db, new_page, username):
    ids = _seed_demo(e2e_db)
    page = new_page(locale="zh-CN")
    log_in(page, username, PASSWORD)
    problems = []
    for template in PAGES[username]:
        path = template.format(**ids)
        response = page.goto(path)
        if response.status != 200:
            problems.append(f"{path}: HTTP {response.status}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"{path}: {overflow}px wider than the window")
        if path in CHARTS:
            page.wait_for_selector(".hrapp-chart svg", timeout=5000)
    assert not problems, "\n".join(problems)
    if username == "admin":
        page.goto("/funding/?from=2011&to=2016")
        assert "+65.8 %" in page.inner_text("[data-testid=span-growth]")
    if username == "officer":
        assert page.locator("[data-testid=pay-panel] [data-testid=pay-total]").inner_text().startswith("¥")
