"""The new-officer path, as HR walks it: create an officer (who starts at probation), find no vacant
grid, create one, post the officer, record the induction training, see them among the candidates,
propose the promotion for a later date, have an administrator approve it, and the officer sees
the approved change on /me on a phone."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from hrapp.certification import services as certification_services
from hrapp.certification.models import PromotionCase, TierRecord
from hrapp.core import idcard
from hrapp.core.dates import add_months
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Grid
from tests import factories
from tests.certification import helpers
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/hrapp-e2e-shots"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_new_officer_from_hire_to_an_approved_promotion_seen_on_a_phone(e2e_db, new_page, browser, live_server):
    world = factories.build_world()
    certification_services.ensure_defaults()
    factories.PostingFactory(officer=world.colleague, grid=world.free_grid)  # every grid of the street is served
    today = dt.date.today()
    hired = add_months(today, -4)
    induction = helpers.course("induction", 40)
    exam = helpers.course("induction", 2, is_exam=True, pass_score=60)
    training = helpers.session(induction, hired + dt.timedelta(days=7))
    exam_session = helpers.session(exam, hired + dt.timedelta(days=20))
    e2e_db.session.commit()

    page = new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, world.street_hr.username, factories.PASSWORD)

    # 1. Create the officer.
    id_number = idcard.make("440304", dt.date(1996, 7, 1), 35)
    page.goto("/officers/new")
    page.locator("#employee_no").fill("E70001")
    page.locator("#name").fill("周新")
    page.locator("#id_number").fill(id_number)
    page.locator("#hire_date").fill(hired.isoformat())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/officers/\d+$"))
    profile_url = page.url
    expect(page.locator("[data-testid=current-tier]")).to_contain_text("见习")
    expect(page.locator("[data-testid=education]")).to_have_text("—")

    # 2. No vacant grid: the profile says so and links to creating one.
    hint = page.locator("[data-testid=no-vacant-grid]")
    expect(hint).to_be_visible()
    shot(page, "01-no-vacant-grid")
    hint.locator("a[href='/org/grids/new']").click()

    # 3. Create a grid; a code outside the community's scheme is refused first.
    page.locator("#community_id").select_option(str(world.community.id))
    page.locator("#code").fill("X-1")
    page.locator("#name").fill("新建网格")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#code ~ .invalid-feedback")).to_contain_text(f"{world.community.code}-")
    page.locator("#code").fill(f"{world.community.code}-09")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # 4. Post the officer to it.
    page.goto(profile_url)
    expect(page.locator("[data-testid=no-vacant-grid]")).to_have_count(0)
    page.locator("#grid_id").select_option(label=f"{world.community.code}-09 新建网格")
    page.locator("#start").fill(hired.isoformat())
    page.get_by_role("button", name="派驻到网格").click()
    expect(page.locator("[data-testid=current-grid]")).to_contain_text(f"{world.community.code}-09")

    # 5. Record the induction training and the exam on the sessions' attendance pages.
    officer_id = int(profile_url.rsplit("/", 1)[1])
    for session, score in ((training, None), (exam_session, "82")):
        page.goto(f"/certification/sessions/{session.id}/attendance")
        expect(page.locator(".nav-tabs .nav-link.active")).to_have_text("培训班次")
        page.locator(f"input[name=present-{officer_id}]").check()
        if score:
            page.locator(f"input[name=score-{officer_id}]").fill(score)
        page.get_by_role("button", name="保存参训记录").click()
        expect(page.locator(".alert-success")).to_be_visible()

    # 6. The candidates page lists the officer as eligible for 初级; propose it for a later date.
    effective = today + dt.timedelta(days=10)
    page.goto("/certification/candidates")
    row = page.locator("[data-testid=candidates] tr", has_text="周新")
    expect(row).to_contain_text("初级")
    shot(page, "02-candidate")
    row.get_by_role("link", name="提出申请").click()
    page.locator("#effective_on").fill(effective.isoformat())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/certification/cases/\d+$"))
    case_url = page.url

    # 7. An administrator approves it.
    admin = new_page()
    admin.on("dialog", lambda dialog: dialog.accept())
    log_in(admin, world.admin.username, factories.PASSWORD)
    admin.goto(case_url)
    admin.locator("#decision").select_option("approve")
    admin.locator("#comment").fill("同意")
    admin.get_by_role("button", name="提交审批").click()
    expect(admin.locator(".alert-success")).to_be_visible()

    # 8. HR sees the approved, pending change instead of a propose button.
    pending = f"已批准 → 初级，{effective.isoformat()} 生效"
    page.goto(profile_url)
    expect(page.locator("[data-testid=certification-panel] [data-testid=change-in-progress]").first).to_have_text(
        pending
    )
    expect(page.get_by_role("link", name="申请等级变动")).to_have_count(0)
    page.goto("/certification/candidates")
    expect(page.locator("[data-testid=candidates] tr", has_text="周新")).to_contain_text(pending)
    shot(page, "03-candidates-pending")

    # 9. The officer, on a phone, sees it on /me, the summary first and no squeezed columns.
    e2e_db.session.rollback()
    factories.UserFactory(username="zhouxin", role="officer", officer_id=officer_id)
    e2e_db.session.commit()
    phone = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE)
    try:
        me = phone.new_page()
        me.goto("/login")  # on a phone the navbar is collapsed: the login lands on the own profile
        me.locator("#username").fill("zhouxin")
        me.locator("#password").fill(factories.PASSWORD)
        me.locator("main form button[type=submit]").click()
        expect(me.locator("main h1")).to_contain_text("周新")
        me.goto("/me")
        expect(me.locator("[data-testid=change-in-progress]")).to_have_text(pending)
        panel_top = me.locator("[data-testid=certification-panel]").bounding_box()["y"]
        facts_top = me.locator("dl.profile").bounding_box()["y"]
        assert panel_top < facts_top  # the tier summary comes first
        title = me.locator("[data-testid=training-record] td.stack-title").first
        assert title.bounding_box()["width"] > 250  # a course name has the whole width
        assert me.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(me, "04-me-phone")
    finally:
        phone.close()

    e2e_db.session.rollback()
    officer = e2e_db.session.scalar(sa.select(Officer).where(Officer.employee_no == "E70001"))
    records = e2e_db.session.scalars(
        sa.select(TierRecord).where(TierRecord.officer_id == officer.id).order_by(TierRecord.effective_from)
    ).all()
    assert [(r.tier.code, r.effective_from, r.effective_to) for r in records] == [
        ("probation", hired, effective),
        ("junior", effective, None),
    ]
    case = e2e_db.session.scalar(sa.select(PromotionCase).where(PromotionCase.officer_id == officer.id))
    assert (case.status, case.effective_on) == ("approved", effective)
    grid = e2e_db.session.scalar(sa.select(Grid).where(Grid.code == f"{world.community.code}-09"))
    assert e2e_db.session.scalar(sa.select(Posting.officer_id).where(Posting.grid_id == grid.id)) == officer.id
