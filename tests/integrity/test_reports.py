"""Statistics by period, street, code and severity; the monthly chart; the XLSX export."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from hrapp.extensions import db
from hrapp.integrity import followup, queries
from tests.integrity import helpers

D = dt.date


def test_statistics_count_checks_findings_and_rectification_in_the_users_scope(world):
    helpers.closed_check(world, code="F06")  # 甲街道, 严重
    helpers.closed_check(world, target=world.colleague, code="F02")  # 甲街道, 轻微
    helpers.closed_check(world, target=world.stranger, result_code="R0")  # 乙街道, no finding
    helpers.submitted_check(world, target=world.stranger, code="F01")  # open
    late = helpers.closed_check(world, code="F03", started=dt.datetime(2025, 3, 3, 2, 0))
    followup.create_rectification(
        late, {"notice_no": "ZG-9", "owner_officer_id": world.officer.id, "deadline": D(2025, 3, 10)}, world.inspector
    )
    stats = queries.statistics(world.inspector, D(2025, 1, 1), D(2025, 12, 31))
    assert (stats["total"], stats["with_findings"]) == (5, 4)
    assert stats["by_severity"] == {1: 2, 2: 1, 3: 1, 4: 0}
    assert {code: v["count"] for code, v in stats["by_code"].items()} == {"F01": 1, "F02": 1, "F03": 1, "F06": 1}
    assert stats["rectifications"] == 1 and stats["overdue"] == 1 and stats["rectified_on_time"] == 0
    street = queries.statistics(world.street_hr, D(2025, 1, 1), D(2025, 12, 31))
    assert (street["total"], street["with_findings"]) == (3, 3)  # closed checks of their street only
    assert [name for name, _c, _f in street["by_street"]] == [world.street.name]
    may = queries.statistics(world.inspector, D(2025, 5, 1), D(2025, 5, 31))
    assert may["total"] == 4


def test_monthly_counts_group_by_the_local_month(world):
    helpers.closed_check(world, started=dt.datetime(2025, 4, 30, 17, 0))  # 1 May, 01:00 in Shanghai
    helpers.closed_check(world, result_code="R0", started=dt.datetime(2025, 4, 30, 15, 0))  # 30 April, 23:00
    months = dict(
        (label, (count, found)) for label, count, found in queries.monthly_counts(world.inspector, 3, D(2025, 5, 20))
    )
    assert months == {"2025-03": (0, 0), "2025-04": (1, 0), "2025-05": (1, 1)}


def test_the_reports_page_and_the_export(app, world, as_role):
    check = helpers.closed_check(world, code="F06")
    db.session.commit()
    inspector = as_role("inspector")
    page = inspector.get("/integrity/reports?start=2025-01-01&end=2025-12-31")
    assert page.status_code == 200 and 'data-chart="' in page.get_data(as_text=True)
    export = inspector.get("/integrity/reports/export?start=2025-01-01&end=2025-12-31")
    assert export.headers["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert rows[1][0] == check.number and rows[1][9] == 10
    assert as_role("inspector").get("/integrity/").status_code == 200


def test_a_far_off_period_falls_back_to_the_default_instead_of_failing(app, world, as_role):
    inspector = as_role("inspector")
    for query in ("end=9999-12-31", "start=0001-01-01&end=9999-12-31", "start=2025-01-01&end=2300-01-01"):
        page = inspector.get(f"/integrity/reports?{query}")
        assert page.status_code == 200, query
        assert inspector.get(f"/integrity/reports/export?{query}").status_code == 200, query
