"""Workload pages: who sees what (IDOR probes), page content, the web import, the token admin page."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from hrapp.api.models import ApiToken
from hrapp.core.db import today
from hrapp.extensions import db
from hrapp.workload.models import Case
from tests.workload.helpers import case_row, csv_file, with_defaults


@pytest.fixture
def month_of_cases(world):
    """Cases this month: three for world.officer (grid), one for the stranger (other street)."""
    from hrapp.api.services import issue_token  # noqa: F401  (the API package is importable)
    from hrapp.workload.services import import_case_records

    system_id = with_defaults()
    day = today().replace(day=1)
    stamp = f"{day.isoformat()} 10:00:00"
    rows = [
        case_row(
            world,
            n,
            reported_at=stamp,
            accepted_at="",
            dispatched_at="",
            handled_at="",
            closed_at="",
            status="reported",
        )
        for n in (1, 2, 3)
    ]
    rows.append(
        case_row(
            world,
            4,
            grid=world.other_grid.code,
            reporter=world.stranger.employee_no,
            handler=world.stranger.employee_no,
            reported_at=stamp,
            accepted_at="",
            dispatched_at="",
            handled_at="",
            closed_at="",
            status="reported",
        )
    )
    report = import_case_records(rows, system_id)
    assert report.created == 4, report.errors
    db.session.commit()


def test_an_officer_sees_their_own_workload_and_no_one_elses(as_role, world, month_of_cases):
    client = as_role("officer")
    page = client.get("/workload/me")
    assert page.status_code == 200
    assert 'data-chart="' in page.text and "echarts.min.js" in page.text
    assert "张三" in page.text or "我的工作量" in page.text or "My workload" in page.text
    for url in (
        f"/workload/officers/{world.stranger.id}",
        f"/workload/officers/{world.officer.id}",
        f"/workload/grids/{world.grid.id}",
        "/workload/",
    ):
        assert client.get(url).status_code == 403
    # The page has no parameter naming an officer: a query string cannot reach another officer.
    assert client.get(f"/workload/me?officer_id={world.stranger.id}").status_code == 200


def test_a_street_clerk_cannot_open_another_streets_officer_grid_or_street(as_role, world, month_of_cases):
    client = as_role("street_hr")
    assert client.get(f"/workload/officers/{world.officer.id}").status_code == 200
    assert client.get(f"/workload/officers/{world.stranger.id}").status_code == 404
    assert client.get(f"/workload/grids/{world.grid.id}").status_code == 200
    assert client.get(f"/workload/grids/{world.other_grid.id}").status_code == 404
    assert client.get(f"/workload/?street={world.other_street.id}").status_code == 404
    assert client.get("/workload/officers/999999").status_code == 404
    dashboard = client.get("/workload/")
    assert world.grid.code in dashboard.text and world.other_grid.code not in dashboard.text


def test_the_district_dashboard_lists_streets_with_their_volumes(as_role, world, month_of_cases):
    page = as_role("hr_clerk").get("/workload/")
    assert page.status_code == 200
    assert world.street.name in page.text and world.other_street.name in page.text
    street = as_role("hr_clerk").get(f"/workload/?street={world.street.id}&span=3&month=nonsense")
    assert street.status_code == 200 and world.grid.code in street.text


def test_the_grid_balance_page_lists_grids_and_charts(as_role, world, month_of_cases):
    page = as_role("admin").get("/workload/balance?span=12")
    assert page.status_code == 200
    assert page.text.count('data-chart="') == 2
    assert world.free_grid.code in page.text


def test_profile_and_own_page_carry_the_workload_panel(as_role, world, month_of_cases):
    profile = as_role("hr_clerk").get(f"/officers/{world.officer.id}")
    assert 'data-testid="workload-panel"' in profile.text
    assert f"/workload/officers/{world.officer.id}" in profile.text
    own = as_role("officer").get("/me")
    assert 'data-testid="workload-panel"' in own.text and "/workload/me" in own.text


def test_web_import_dry_run_then_confirm(as_role, world):
    with_defaults()
    client = as_role("hr_clerk")
    upload = {"file": (csv_file([case_row(world, 1), case_row(world, 2)]), "cases.csv")}
    checked = client.post("/workload/import", data=upload, content_type="multipart/form-data")
    assert checked.status_code == 200 and 'data-testid="import-plan"' in checked.text
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
    token = checked.text.split('name="token" value="')[1].split('"')[0]
    done = client.post("/workload/import", data={"token": token})
    # Confirming hands the file to a worker (tests/workload/test_import_task.py runs it).
    assert done.status_code == 302 and "/tasks/" in done.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_web_import_reports_bad_rows_and_writes_nothing(as_role, world):
    with_defaults()
    client = as_role("admin")
    upload = {"file": (csv_file([case_row(world, 1), case_row(world, 2, grid="NOPE")]), "cases.csv")}
    page = client.post("/workload/import", data=upload, content_type="multipart/form-data")
    assert 'data-testid="import-errors"' in page.text and "NOPE" in page.text
    assert 'data-testid="import-rejected"' in page.text
    bad = client.post(
        "/workload/import", data={"file": (io.BytesIO(b"x"), "cases.pdf")}, content_type="multipart/form-data"
    )
    assert bad.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_an_admin_issues_a_token_shown_once_and_revokes_it(as_role, world):
    with_defaults()
    client = as_role("admin")
    from hrapp.workload.models import SourceSystem

    system_id = db.session.scalar(sa.select(SourceSystem.id))
    page = client.post("/admin/api-tokens/", data={"name": "分拨平台", "source_system_id": system_id})
    assert page.status_code == 200 and 'data-testid="token-secret"' in page.text
    secret = page.text.split("<code>")[1].split("</code>")[0]
    assert secret.startswith("hra_")
    assert secret not in client.get("/admin/api-tokens/").text
    token = db.session.scalar(sa.select(ApiToken))
    assert token.token_hash != secret and token.last_used_at is None
    assert client.post(f"/admin/api-tokens/{token.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is not None
    refused = client.post("/admin/api-tokens/", data={"name": "", "source_system_id": 0})
    assert refused.status_code == 200 and db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 1
    assert client.post("/admin/api-tokens/999/revoke").status_code == 302
