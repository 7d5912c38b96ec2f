"""An administrator starts background work from a page and watches its progress bar reach the end,
served by the real app and worked on by a real Celery worker process (SQLAlchemy transport)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hrapp.tasks.celery_app import init_celery
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(e2e_app, e2e_db, tmp_path):
    broker = f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"
    e2e_app.config["CELERY_BROKER_URL"] = broker
    init_celery(e2e_app)
    env = {
        **os.environ,
        "HRAPP_CONFIG": "testing",
        "TEST_DATABASE_URL": e2e_app.config["SQLALCHEMY_DATABASE_URI"],
        "HRAPP_WORKER_BROKER_URL": broker,
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "celery", "-A", "tests.tasks.worker_app", "worker", "-P", "solo"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    yield process
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    e2e_app.config["CELERY_BROKER_URL"] = "memory://"
    init_celery(e2e_app)


def test_admin_runs_a_job_now_and_watches_it_finish(e2e_db, worker, new_page, tmp_path):
    factories.UserFactory(username="boss", role="admin")
    officer = factories.OfficerFactory(name="合同将满")
    import datetime as dt

    from hrapp.core.db import today

    officer.contract_end = today() + dt.timedelta(days=20)
    factories.UserFactory(username="clerk", role="hr_clerk")
    e2e_db.session.commit()
    page = new_page()
    log_in(page, "boss", factories.PASSWORD)

    page.goto("/admin/jobs")
    row = page.locator("tr[data-job='officers.contract_end_reminders']")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="立即运行").click()

    expect(page.locator("h1")).to_have_text("运行定时作业")
    expect(page.locator("[data-testid=task-result]")).to_be_visible(timeout=60_000)
    expect(page.locator("[data-task-fill]")).to_have_text("100%")
    expect(page.locator("[data-testid=task-result]")).to_contain_text("结果：成功")
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["E2E_SCREENSHOTS"]) / "task-finished.png"), full_page=True)

    page.goto("/admin/jobs")
    expect(row.locator(".badge")).to_have_text("成功")
    page.goto("/notifications")
    expect(page.locator("[data-testid=notification]").first).to_contain_text("后台任务已完成")
