"""Case import through the staged path: idempotence, updates from a later export, atomicity,
every kind of bad row, deadlines, and the three file formats."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import Workbook

from hrapp.core.importing import ImportFileError
from hrapp.core.staged_import import run_staged_import
from hrapp.extensions import db
from hrapp.workload.importing import case_import_spec
from hrapp.workload.models import Case
from tests.workload.helpers import HEADER, case_row, csv_file, jsonl_file, with_defaults


@pytest.fixture
def system_id(world):
    return with_defaults()


def run(system_id, stream, filename="cases.csv", dry_run=False):
    with force_locale("en"):
        report = run_staged_import(case_import_spec(system_id, db.session), stream, filename, dry_run=dry_run)
    if report.ok and not dry_run:
        db.session.commit()
    else:
        db.session.rollback()
    return report


def case_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Case.id)))


def test_import_creates_cases_and_the_same_file_again_changes_nothing(world, system_id):
    rows = [case_row(world, n) for n in range(1, 6)]
    report = run(system_id, csv_file(rows))
    assert (report.total, report.created, report.updated, report.unchanged, report.rejected) == (5, 5, 0, 0, 0)
    stored = db.session.scalar(sa.select(Case).where(Case.external_id == "C0000001"))
    # Shanghai 09:00 is 01:00 UTC; the grid and officers resolved from their codes.
    assert stored.reported_at == dt.datetime(2026, 3, 2, 1, 0)
    assert (stored.grid_id, stored.reporter_id, stored.handler_id) == (
        world.grid.id,
        world.officer.id,
        world.officer.id,
    )
    assert (stored.status, stored.rating, stored.rework_count) == ("closed", 3, 0)

    again = run(system_id, csv_file(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert case_count() == 5


def test_dry_run_plans_and_writes_nothing(world, system_id):
    run(system_id, csv_file([case_row(world, 1)]))
    report = run(system_id, csv_file([case_row(world, 1, rating="unsatisfied"), case_row(world, 2)]), dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert case_count() == 1
    assert db.session.scalar(sa.select(Case.rating)) == 3


def test_a_later_export_with_more_states_updates_the_case(world, system_id):
    first = case_row(world, 1, status="dispatched", handled_at="", closed_at="", rating="")
    run(system_id, csv_file([first]))
    stored = db.session.scalar(sa.select(Case))
    assert (stored.status, stored.closed_at, stored.rating) == ("dispatched", None, None)

    report = run(system_id, csv_file([case_row(world, 1, rating="average")]))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    db.session.expire_all()
    stored = db.session.scalar(sa.select(Case))
    assert (stored.status, stored.closed_at, stored.rating) == ("closed", dt.datetime(2026, 3, 2, 7, 0), 2)
    assert case_count() == 1


def test_external_ids_are_unique_per_source_system(world, system_id):
    from hrapp.workload.models import SourceSystem

    other = SourceSystem(code="CITY", name="市平台")
    db.session.add(other)
    db.session.commit()
    run(system_id, csv_file([case_row(world, 1)]))
    report = run(other.id, csv_file([case_row(world, 1)]))
    assert report.created == 1
    assert case_count() == 2


@pytest.mark.parametrize(("size", "bad_row"), [(20_000, 19_990)])
def test_an_error_near_the_end_of_a_big_file_leaves_no_row(world, system_id, size, bad_row):
    rows = [case_row(world, n) for n in range(1, size + 1)]
    rows[bad_row - 2] = case_row(world, bad_row - 1, grid="NO-SUCH-GRID")  # file row numbers start at 2
    report = run(system_id, csv_file(rows))
    assert report.created == 0 and report.rejected == 1
    assert [(e.row, e.message) for e in report.errors] == [(bad_row, "Unknown grid NO-SUCH-GRID.")]
    assert case_count() == 0


def test_every_kind_of_bad_row_is_reported_with_row_column_and_reason(world, system_id):
    rows = [
        case_row(world, 1),
        case_row(world, 2, reported_at="yesterday"),
        case_row(world, 3, category="99-99"),
        case_row(world, 4, source="pigeon"),
        case_row(world, 5, grid="G-NONE"),
        case_row(world, 6, reporter="X404"),
        case_row(world, 7, handler="X405"),
        case_row(world, 8, closed_at="2026-03-01 08:00:00"),
        case_row(world, 9, status="closed", closed_at=""),
        case_row(world, 1),
        case_row(world, 11, rating="great"),
        case_row(world, 12, category=""),
        case_row(world, 13, category="01"),  # a top-level class is not a case category
        case_row(world, 14, status="lost"),
    ]
    report = run(system_id, csv_file(rows))
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "Reported at"),
        (4, "Category code"),
        (5, "Case source"),
        (6, "Grid code"),
        (7, "Reporting officer (employee no.)"),
        (8, "Handling officer (employee no.)"),
        (9, "Closed at"),
        (10, "Closed at"),
        (11, "Case number"),
        (12, "Citizen rating"),
        (13, "Category code"),
        (14, "Category code"),
        (15, "Case status"),
    }
    assert report.rejected == 13
    messages = {e.row: e.message for e in report.errors}
    assert messages[11] == "Duplicate of row 2 in this file."
    assert "X404" in messages[7]
    assert case_count() == 0


def test_deadline_from_the_category_limit_and_the_working_calendar(world, system_id):
    # 01-01 has a 24 working-hour limit; reported Friday 13 February 2026 15:00 (Shanghai): 2 h that
    # Friday, 8 h on the make-up Saturday 14th, then 16–23 February are holidays: Tuesday 24th 8 h,
    # Wednesday 25th 6 h → 15:00 (07:00 UTC).
    row = case_row(
        world,
        1,
        reported_at="2026-02-13 15:00:00",
        accepted_at="",
        dispatched_at="",
        handled_at="",
        closed_at="",
        status="reported",
    )
    run(system_id, csv_file([row]))
    assert db.session.scalar(sa.select(Case.deadline_at)) == dt.datetime(2026, 2, 25, 7, 0)


def test_json_lines_and_xlsx_files(world, system_id):
    report = run(system_id, jsonl_file([case_row(world, 1), case_row(world, 2)]), "cases.jsonl")
    assert report.created == 2
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    row = case_row(world, 3)
    sheet.append([row[key] for key in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert run(system_id, buffer, "cases.xlsx").created == 1
    assert case_count() == 3


def test_a_json_line_that_is_not_an_object_is_reported(world, system_id):
    stream = io.BytesIO(jsonl_file([case_row(world, 1)]).getvalue() + b"[1, 2]\n")
    report = run(system_id, stream, "cases.jsonl")
    assert [(e.row, e.message) for e in report.errors] == [(3, "This line is not a JSON object.")]


def test_a_file_without_the_required_columns_is_refused(world, system_id):
    with pytest.raises(ImportFileError):
        run(system_id, io.BytesIO(b"external_id,category\nX,01-01\n"))
    with pytest.raises(ImportFileError):
        run(system_id, io.BytesIO(b"nothing"), "cases.txt")


def test_gb18030_csv_with_chinese_headers(world, system_id):
    header = ["事件编号", "类别代码", "事件来源", "网格编码", "事件状态", "上报时间"]
    text = ",".join(header) + f"\nA1,01-01,巡查发现,{world.grid.code},Reported,2026-03-02 09:00\n"
    report = run(system_id, io.BytesIO(text.encode("gb18030")))
    assert report.ok, report.errors
    assert report.created == 1
