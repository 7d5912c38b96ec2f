"""Start page: each role sees the pending work and charts of its own scope."""

from __future__ import annotations

import datetime as dt
import json
import re

from hrapp.certification.models import PromotionCase
from hrapp.core.db import today
from hrapp.extensions import db
from hrapp.tasks.models import JobRun
from tests.certification import helpers


def _count(page: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}">\s*<div class="card-body"><div class="display-6[^"]*">(\d+)<', page)
    assert match, f"{testid} not on the page"
    return int(match.group(1))


def _chart(page: str, index: int) -> dict:
    options = re.findall(r'data-chart="([^"]+)"', page)
    import html

    return json.loads(html.unescape(options[index]))


def test_hr_start_page_counts_pending_work_in_scope(world, as_role):
    on = today()
    helpers.history(world.officer, ("junior", dt.date(2020, 1, 1)))
    helpers.history(world.stranger, ("junior", dt.date(2020, 1, 1)))
    helpers.attend(
        world.officer, helpers.session(helpers.course(), on - dt.timedelta(days=3)), expires=on + dt.timedelta(days=30)
    )
    helpers.attend(
        world.stranger, helpers.session(helpers.course(), on - dt.timedelta(days=3)), expires=on + dt.timedelta(days=30)
    )
    helpers.session(helpers.course(), on - dt.timedelta(days=1))  # held, nobody recorded
    helpers.session(helpers.course(), on - dt.timedelta(days=400))  # long ago: history, not work
    helpers.session(helpers.course(), on + dt.timedelta(days=10))  # not held yet
    db.session.commit()

    district = as_role("hr_clerk").get("/").get_data(as_text=True)
    street = as_role("street_hr").get("/").get_data(as_text=True)

    assert _count(district, "todo-certificates") == 2 and _count(street, "todo-certificates") == 1
    assert _count(district, "todo-sessions") == 1
    assert _count(district, "todo-hours") == 2 and _count(street, "todo-hours") == 1
    assert _count(street, "todo-grids") == 1  # world.free_grid


def test_the_tier_mix_chart_counts_current_tiers_per_street(world, as_role):
    helpers.history(world.officer, ("probation", dt.date(2019, 1, 1)), ("junior", dt.date(2019, 9, 1)))
    helpers.history(world.colleague, ("probation", dt.date(2026, 1, 1)))
    helpers.history(world.stranger, ("junior", dt.date(2020, 1, 1)))
    db.session.commit()

    chart = _chart(as_role("hr_clerk").get("/").get_data(as_text=True), 0)

    assert chart["xAxis"]["data"] == ["乙街道", "甲街道"]
    by_tier = {series["name"]: series["data"] for series in chart["series"]}
    assert by_tier == {"见习": [0, 1], "初级": [1, 1]}
    street_chart = _chart(as_role("street_hr").get("/").get_data(as_text=True), 0)
    assert street_chart["xAxis"]["data"] == ["甲街道"]


def test_cases_to_decide_are_counted_and_link_to_the_list(world, as_role):
    helpers.submitted_case(world)
    db.session.commit()

    page = as_role("admin").get("/").get_data(as_text=True)

    assert _count(page, "todo-cases") == db.session.query(PromotionCase).filter_by(status="submitted").count() == 1
    assert "/certification/cases?status=submitted" in page


def test_admin_sees_failed_jobs_and_others_do_not(world, as_role):
    db.session.add(JobRun(job="certification.annual_steps", outcome="failed", error="boom"))
    db.session.commit()

    assert "certification.annual_steps" in as_role("admin").get("/").get_data(as_text=True)
    assert 'data-testid="failed-jobs"' not in as_role("hr_clerk").get("/").get_data(as_text=True)
    inspector = as_role("inspector").get("/").get_data(as_text=True)
    assert 'data-testid="pending"' not in inspector
