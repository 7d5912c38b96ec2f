"""Background-work pages: the jobs page, 'run now', a run's page and its progress, for its owner."""

from __future__ import annotations

import sqlalchemy as sa

from hrapp import scheduler
from hrapp.extensions import db
from hrapp.tasks import services
from hrapp.tasks.models import JobRun, TaskRun


def test_jobs_page_lists_every_job_with_its_next_run_and_last_outcome(world, as_role):
    db.session.add(JobRun(job="certification.annual_steps", outcome="failed", error="boom"))
    db.session.commit()

    page = as_role("admin").get("/admin/jobs").get_data(as_text=True)

    for name in scheduler.JOBS:
        assert f'data-job="{name}"' in page
    assert "失败" in page and "boom" in page


def test_run_now_queues_the_job_as_background_work_and_shows_its_page(world, as_role, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "_send", sent.append)

    response = as_role("admin").post("/admin/jobs/officers.contract_end_reminders/run")

    run = db.session.scalar(sa.select(TaskRun))
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{run.id}"
    assert (run.kind, run.params, run.status, run.created_by_id) == (
        "jobs.run",
        {"name": "officers.contract_end_reminders"},
        "queued",
        world.admin.id,
    )
    assert sent == [run.id]


def test_run_now_with_the_queue_down_keeps_the_run_and_says_so(world, as_role, monkeypatch):
    def down(run_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(services, "_send", down)
    client = as_role("admin")

    response = client.post("/admin/jobs/officers.contract_end_reminders/run", follow_redirects=True)

    assert response.status_code == 200
    assert "任务队列暂时无法连接" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(TaskRun.status)) == "queued"


def test_run_now_of_an_unknown_job_is_404(world, as_role):
    assert as_role("admin").post("/admin/jobs/no.such.job/run").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(TaskRun.id))) == 0


def test_a_run_and_its_progress_are_visible_to_its_starter_only(world, as_role):
    run = TaskRun(
        kind="jobs.run", params={}, status="running", done=3, total=12, step="第3项", created_by_id=world.hr.id
    )
    db.session.add(run)
    db.session.commit()

    progress = as_role("hr_clerk").get(f"/tasks/{run.id}/progress").get_json()

    assert progress | {} == progress and progress["percent"] == 25 and progress["step"] == "第3项"
    assert progress["finished"] is False and progress["result"] is None
    assert as_role("street_hr").get(f"/tasks/{run.id}/progress").status_code == 404
    assert as_role("admin").get(f"/tasks/{run.id}").status_code == 200
    listing = as_role("street_hr").get("/tasks").get_data(as_text=True)
    assert f"/tasks/{run.id}" not in listing
