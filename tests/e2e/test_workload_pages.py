"""The workload dashboards in a real browser over the demo district's year of cases: HR's street,
grid and balance pages on a desk screen, the officer's own page on a phone. Each page fits its
screen, every chart draws (ECharts draws an SVG in each chart element) and the figures are the
demo's, not an empty state."""

from __future__ import annotations

import re

import pytest

from hrapp.core.dates import add_months
from hrapp.core.db import today
from tests.e2e.conftest import log_in
from tests.e2e.test_pages import PASSWORD, _seed_demo

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# The last whole month: the current one may be a few minutes old (the demo's cases end now).
LAST_MONTH = add_months(today().replace(day=1), -1).strftime("%Y-%m")
HR_PAGES = [
    f"/workload/?month={LAST_MONTH}",
    f"/workload/?month={LAST_MONTH}&span=3",
    f"/workload/balance?month={LAST_MONTH}",
    "/workload/grids/{grid}?month=" + LAST_MONTH,
]


def _check(page, path: str) -> list[str]:
    problems = []
    response = page.goto(path)
    if response.status != 200:
        return [f"{path}: HTTP {response.status}"]
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        problems.append(f"{path}: {overflow}px wider than the window")
    charts = page.locator(".hrapp-chart")
    if charts.count() == 0:
        problems.append(f"{path}: no chart")
    for index in range(charts.count()):
        if charts.nth(index).locator("svg").count() == 0:
            charts.nth(index).locator("svg").first.wait_for(timeout=5000)
    return problems


def test_hr_dashboards_draw_their_charts_over_a_year_of_cases(e2e_db, new_page):
    ids = _seed_demo(e2e_db)
    page = new_page(locale="zh-CN")
    log_in(page, "hr", PASSWORD)
    problems = []
    for template in HR_PAGES:
        problems += _check(page, template.format(**ids))
    assert not problems, "\n".join(problems)
    page.goto(f"/workload/?month={LAST_MONTH}")
    # Ten streets, each with its cases counted.
    rows = page.locator("table tbody tr")
    assert rows.count() == 10
    assert all(int(rows.nth(i).locator("td").nth(1).inner_text().replace(",", "")) > 0 for i in range(10))


def test_an_officer_reads_their_own_workload_on_a_phone(e2e_db, browser, live_server):
    _seed_demo(e2e_db)
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/login")
        page.locator("#username").fill("officer")
        page.locator("#password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/$"))
        assert not _check(page, f"/workload/me?month={LAST_MONTH}")
        text = page.inner_text("main")
        assert "我的工作量" in text
        assert re.search(r"事件数\s*\n?\s*[1-9]", text), text[:400]
        # HR's pages stay closed to the officer.
        assert page.goto("/workload/").status == 403
    finally:
        context.close()
