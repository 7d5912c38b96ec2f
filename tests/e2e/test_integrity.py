"""On a phone-sized screen, an inspector logs an unannounced check with a photo and submits it;
the officer concerned sees nothing of it until it is closed, then sees the result and appeals."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from hrapp.integrity.models import Appeal, Check
from hrapp.integrity.seed import _png
from tests import factories
from tests.integrity import helpers

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_server, locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    yield open_page
    for context in contexts:
        context.close()


def phone_log_in(page, username: str) -> None:
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def test_inspector_logs_a_check_on_a_phone_and_the_officer_appeals_once_it_is_closed(e2e_app, e2e_db, phone, tmp_path):
    world = factories.build_world()
    partner = factories.UserFactory(username="partner", role="inspector", display_name="督查员乙")
    plan = helpers.plan(world.inspector)
    e2e_db.session.commit()
    with e2e_app.test_request_context(), force_locale("zh_CN"):
        submitted_label = gettext("Submitted (locked)")
        closed_label = gettext("Closed")
    photo = tmp_path / "现场.jpg"  # a PNG named .jpg: the content decides
    photo.write_bytes(_png(200, 120, 40))

    inspector = phone()
    phone_log_in(inspector, world.inspector.username)
    inspector.goto(f"/integrity/plans/{plan.id}")
    inspector.locator("[data-testid=new-check]").click()
    assert inspector.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    inspector.locator("#target_officer_id").select_option(value=str(world.officer.id))
    inspector.locator("#outside_draw_reason").fill("群众举报线索")
    inspector.locator("#place").fill("社区工作站便民窗口")
    inspector.locator("#started_at").fill("2025-05-06T09:30")
    inspector.locator("#ended_at").fill("2025-05-06T10:05")
    inspector.locator("#method").select_option("mystery_shopper")
    inspector.locator("#inspector_ids").select_option([str(world.inspector.id), str(partner.id)])
    inspector.locator("#declare_no_conflict").check()
    inspector.locator("#item-0").select_option("fail")
    inspector.locator("#result_code").select_option("R1")
    inspector.get_by_role("button", name="保存草稿").click()
    inspector.wait_for_url(re.compile(r"/integrity/checks/\d+/edit$"))
    check_id = int(re.search(r"/checks/(\d+)/", inspector.url).group(1))

    inspector.locator("#code").select_option("F03")
    inspector.locator("#description").fill("窗口人员办事期间使用手机游戏")
    inspector.get_by_role("button", name="添加问题").click()
    expect(inspector.locator("[data-testid=finding]")).to_have_count(1)
    inspector.locator("#file").set_input_files(str(photo))
    inspector.get_by_role("button", name="上传").click()
    expect(inspector.locator("[data-testid=evidence]")).to_contain_text("现场.jpg")

    second = phone()  # the partner declares on their own phone
    phone_log_in(second, partner.username)
    second.goto(f"/integrity/checks/{check_id}/edit")
    second.get_by_role("button", name="本人声明与检查对象无利益冲突").click()
    expect(second.locator("[data-testid=inspectors]")).to_contain_text("已声明无利益冲突")

    officer = phone()
    phone_log_in(officer, world.officer_user.username)

    inspector.reload()
    expect(inspector.locator("[data-testid=problems]")).to_have_count(0)
    inspector.locator("[data-testid=submit-check]").click()
    inspector.wait_for_url(re.compile(rf"/integrity/checks/{check_id}(#.*)?$"))
    expect(inspector.locator("[data-testid=status]")).to_have_text(submitted_label)

    officer.goto("/integrity/checks")
    expect(officer.locator("main")).not_to_contain_text("JC")
    response = officer.goto(f"/integrity/checks/{check_id}")
    assert response.status == 404
    officer.goto("/me")
    expect(officer.locator("main")).not_to_contain_text("JC")

    inspector.locator("[data-testid=close-check]").click()
    expect(inspector.locator("[data-testid=status]")).to_have_text(closed_label)

    officer.goto("/integrity/checks")
    officer.locator("[data-testid=checks] a").first.click()
    expect(officer.locator("[data-testid=findings]")).to_contain_text("F03")
    officer.locator("[data-testid=appeal]").click()
    officer.locator("#reason").fill("当时正在为群众查询办件进度，并非玩游戏")
    officer.get_by_role("button", name="提交申诉").click()
    expect(officer.locator("[data-testid=appeals]")).to_contain_text("待处理")

    e2e_db.session.rollback()
    check = e2e_db.session.get(Check, check_id)
    assert check.status == "closed" and len(check.evidence) == 1 and check.evidence[0].content_type == "image/png"
    appeal = e2e_db.session.scalar(sa.select(Appeal))
    assert appeal.officer_id == world.officer.id and appeal.outcome is None
