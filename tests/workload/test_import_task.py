"""The web case import as background work: the confirm step starts a task, the task imports the
kept upload in batches with progress, is idempotent on a re-run, and runs on a real worker."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hrapp.extensions import db
from hrapp.tasks import services as task_services
from hrapp.tasks.models import TaskRun
from hrapp.workload import tasks as workload_tasks
from hrapp.workload.models import Case
from tests import factories
from tests.conftest import sign_in
from tests.tasks.test_worker import _wait_for, worker_setup  # noqa: F401  (the worker fixture)
from tests.workload.helpers import case_row, csv_file, with_defaults


def _case_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Case.id)))


def _check_and_confirm(client, rows):
    upload = {"file": (csv_file(rows), "cases.csv")}
    checked = client.post("/workload/import", data=upload, content_type="multipart/form-data")
    assert checked.status_code == 200 and 'data-testid="import-plan"' in checked.text
    token = checked.text.split('name="token" value="')[1].split('"')[0]
    return client.post("/workload/import", data={"token": token})


def test_confirm_starts_a_task_that_imports_in_batches_with_progress(app, as_role, world, monkeypatch):
    with_defaults()
    monkeypatch.setattr(workload_tasks, "BATCH_ROWS", 2)
    client = as_role("hr_clerk")

    done = _check_and_confirm(client, [case_row(world, number) for number in range(1, 6)])

    run = db.session.scalar(sa.select(TaskRun).order_by(TaskRun.id.desc()))
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/tasks/{run.id}")
    assert (run.kind, run.status) == ("workload.import_cases", "queued")
    assert _case_count() == 0, "the request itself writes no case"
    kept = workload_tasks.upload_dir() / run.params["upload"]
    assert kept.is_file()

    task_services.execute_run(run.id)

    db.session.expire_all()
    run = db.session.get(TaskRun, run.id)
    assert (run.status, run.done, run.total) == ("succeeded", 5, 5), run.error
    assert run.result == {"inserted": 5, "updated": 0, "unchanged": 0, "rejected": 0}
    assert _case_count() == 5
    assert not kept.exists(), "the kept upload is deleted when the task ends"
    page = client.get(f"/tasks/{run.id}")
    assert page.status_code == 200 and "5 / 5" in page.text


def test_the_import_task_is_idempotent_on_a_re_run(app, world, monkeypatch):
    system_id = with_defaults()
    monkeypatch.setattr(workload_tasks, "BATCH_ROWS", 3)
    body = csv_file([case_row(world, number) for number in range(1, 8)]).getvalue()
    user = factories.UserFactory(username="importer", role="hr_clerk")
    results = []
    for _attempt in range(2):
        name = "again.csv"
        (workload_tasks.upload_dir() / name).write_bytes(body)
        run = task_services.start(
            workload_tasks.IMPORT_CASES,
            {"upload": name, "filename": "cases.csv", "source_system_id": system_id},
            acting=user,
        )
        db.session.commit()
        task_services.execute_run(run.id)
        db.session.expire_all()
        results.append(db.session.get(TaskRun, run.id).result)
    assert results[0]["inserted"] == 7
    assert results[1] == {"inserted": 0, "updated": 0, "unchanged": 7, "rejected": 0}
    assert _case_count() == 7


def test_a_file_that_no_longer_passes_fails_the_task_with_the_row(app, world):
    system_id = with_defaults()
    name = "bad.csv"
    (workload_tasks.upload_dir() / name).write_bytes(
        csv_file([case_row(world, 1), case_row(world, 2, grid="NOPE")]).getvalue()
    )
    run = task_services.start(
        workload_tasks.IMPORT_CASES,
        {"upload": name, "filename": "cases.csv", "source_system_id": system_id},
        acting=None,
    )
    db.session.commit()
    task_services.execute_run(run.id)
    db.session.expire_all()
    run = db.session.get(TaskRun, run.id)
    assert run.status == "failed" and "3" in run.error
    assert _case_count() == 0
    assert not (workload_tasks.upload_dir() / name).exists()


def test_a_kept_upload_name_cannot_leave_the_upload_folder(app, world):
    system_id = with_defaults()
    run = task_services.start(
        workload_tasks.IMPORT_CASES,
        {"upload": "../hrapp.sqlite", "filename": "cases.csv", "source_system_id": system_id},
        acting=None,
    )
    db.session.commit()
    task_services.execute_run(run.id)
    db.session.expire_all()
    assert db.session.get(TaskRun, run.id).status == "failed"


@pytest.fixture
def worker_instance(monkeypatch, tmp_path):
    """The instance folder the worker process and the application share (set before the worker's
    environment is taken)."""
    instance = tmp_path / "worker-instance"
    monkeypatch.setenv("HRAPP_INSTANCE_DIR", str(instance))
    return instance


def test_the_case_import_runs_on_a_real_worker(worker_instance, worker_setup, monkeypatch):  # noqa: F811
    target, start_worker = worker_setup
    instance = worker_instance
    monkeypatch.setitem(target.config, "INSTANCE_DIR", str(instance))
    with target.app_context():
        world = factories.build_world()
        with_defaults()
        user = factories.UserFactory(username="importer", role="hr_clerk")
        db.session.commit()
        user_id = user.id
        rows = [case_row(world, number) for number in range(1, 5)]
    client = target.test_client()
    with target.app_context():
        sign_in(client, db.session.get(factories.User, user_id))
    done = _check_and_confirm(client, rows)
    run_id = int(done.headers["Location"].rsplit("/", 1)[1])
    start_worker()

    run = _wait_for(target, run_id, lambda run: run.finished)

    assert run.status == "succeeded", run.error
    assert (run.done, run.total, run.result["inserted"]) == (4, 4, 4)
    with target.app_context():
        assert _case_count() == 4
    assert not any((instance / "task-uploads").iterdir())
    progress = client.get(f"/tasks/{run_id}/progress").get_json()
    assert progress["finished"] is True and progress["percent"] == 100
