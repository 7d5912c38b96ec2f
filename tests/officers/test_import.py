"""Officer import (dry run, atomic write, idempotent re-import, encodings, XLSX) and export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hrapp.core import idcard, importing
from hrapp.core.audit import AuditEvent
from hrapp.extensions import db
from hrapp.officers.importing import COLUMNS, officer_import_spec
from hrapp.officers.models import Officer, Posting
from tests.factories import CommunityFactory, GridFactory, PostingFactory, StreetFactory

HEADER = ["employee_no", "name", "id_number", "phone", "street", "grid", "hire_date", "status"]


def number(day: int, sequence: int = 11) -> str:
    return idcard.make("440304", dt.date(1990, 1, day), sequence)


def wrong_check_digit(value: str) -> str:
    return value[:17] + ("1" if value[17] != "1" else "2")


def good_rows(world) -> list[list[str]]:
    return [
        ["N0001", "赵六", number(1), "13900139001", world.street.code, world.free_grid.code, "2020-01-01", "active"],
        ["N0002", "孙七", number(2), "", world.street.name, "", "2021/02/03", ""],
    ]


def csv_file(rows, header=HEADER, encoding="utf-8-sig") -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


def xlsx_file(rows, header=HEADER) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def run(user, stream, filename="officers.csv", dry_run=False):
    with force_locale("en"):
        return importing.run_import(officer_import_spec(user), stream, filename, dry_run=dry_run)


def counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(sa.select(sa.func.count(Officer.id))),
        db.session.scalar(sa.select(sa.func.count(Posting.id))),
        db.session.scalar(sa.select(sa.func.count(AuditEvent.id))),
    )


# --- service -----------------------------------------------------------------------------------


def test_dry_run_lists_every_bad_row_and_writes_nothing(world):
    rows = [
        ["N0001", "赵六", wrong_check_digit(number(1)), "", world.street.code, "", "2020-01-01", ""],
        ["N0002", "孙七", number(2), "", world.street.code, "", "2020-01-01", ""],
        ["N0002", "孙八", number(3), "", world.street.code, "", "2020-01-01", ""],
        ["N0004", "周九", number(4), "", world.street.code, "NOPE-1", "2020-01-01", ""],
        ["N0005", "吴十", number(5), "", world.street.code, world.other_grid.code, "2020-01-01", ""],
        ["N0006", "郑一", number(6), "", world.street.code, "", "someday", ""],
        ["N0007", "", number(7), "", "no-such-street", "", "2020-01-01", ""],
        ["N0008", "王二", number(8), "", world.street.code, "", "2020-01-01", "on strike"],
        ["N0009", "冯三", world.stranger.id_number, "", world.street.code, "", "2020-01-01", ""],
        ["N0010", "陈四", number(10), "", world.street.code, world.grid.code, "2020-01-01", ""],
        ["N0011", "褚五", number(11), "", world.street.code, "", "2020-01-01", ""],
    ]
    before = counts()
    report = run(world.hr, csv_file(rows), dry_run=True)
    found = {(error.row, error.column, error.message) for error in report.errors}
    assert found == {
        (2, "ID number", "ID number check digit is wrong."),
        (4, "Employee no.", "Duplicate of row 3 in this file."),
        (5, "Grid code", "Unknown grid NOPE-1."),
        (6, "Grid code", f"Grid {world.other_grid.code} is not in street {world.street.name}."),
        (7, "Hire date", "Not a date (use YYYY-MM-DD)."),
        (8, "Name", "A value is required."),
        (9, "Employment status", "Unknown value on strike."),
        (10, "ID number", f"This ID number belongs to officer {world.stranger.employee_no}."),
        (11, "Grid code", f"Grid {world.grid.code} is served by officer {world.officer.employee_no}."),
    }
    assert report.total == 11
    assert counts() == before


def test_a_missing_required_column_refuses_the_whole_file(world):
    with pytest.raises(importing.ImportFileError, match="Missing columns: Name"):
        run(world.hr, csv_file([["N1", "440304199001010011"]], header=["employee_no", "id_number"]), dry_run=True)


def test_one_bad_row_means_nothing_is_written(world):
    rows = good_rows(world) + [["N0003", "钱八", "12345", "", world.street.code, "", "2020-01-01", ""]]
    before = counts()
    report = run(world.hr, csv_file(rows))
    assert [(e.row, e.column) for e in report.errors] == [(4, "ID number")]
    assert (report.created, report.updated) == (0, 0)
    assert counts() == before


def test_a_row_refused_while_writing_rolls_back_the_rows_written_before_it(world):
    # The free grid was served until 2019: a new officer hired in 2018 cannot be posted there from
    # the hire date. Only the write sees it (the row checks look at today's postings).
    PostingFactory(
        officer=world.colleague,
        grid=world.free_grid,
        effective_from=dt.date(2015, 1, 1),
        effective_to=dt.date(2019, 1, 1),
    )
    db.session.commit()
    rows = [
        ["N0001", "赵六", number(1), "", world.street.code, "", "2020-01-01", ""],
        ["N0003", "吴八", number(3), "", world.street.code, world.free_grid.code, "2018-03-01", "active"],
    ]
    before = counts()
    report = run(world.hr, csv_file(rows))
    assert [e.row for e in report.errors] == [3]
    assert "One grid, one officer" in report.errors[0].message
    db.session.commit()
    assert counts() == before
    assert db.session.scalar(sa.select(Officer.id).where(Officer.employee_no == "N0001")) is None


def test_a_good_file_imports_and_reimporting_it_changes_nothing(world):
    report = run(world.hr, csv_file(good_rows(world)))
    assert report.ok and (report.created, report.updated, report.unchanged) == (2, 0, 0)
    db.session.commit()
    zhao = db.session.scalar(sa.select(Officer).where(Officer.employee_no == "N0001"))
    assert (zhao.name, zhao.sex, zhao.birth_date, zhao.street_id) == ("赵六", "M", dt.date(1990, 1, 1), world.street.id)
    assert [(p.grid_id, p.effective_from) for p in zhao.postings] == [(world.free_grid.id, dt.date(2020, 1, 1))]
    sun = db.session.scalar(sa.select(Officer).where(Officer.employee_no == "N0002"))
    assert (sun.hire_date, sun.status, sun.phone) == (dt.date(2021, 2, 3), "active", "")
    after_first = counts()
    versions = dict(db.session.execute(sa.select(Officer.employee_no, Officer.version)).all())

    dry = run(world.hr, csv_file(good_rows(world)), dry_run=True)
    assert (dry.created, dry.updated, dry.unchanged) == (0, 0, 2)
    again = run(world.hr, csv_file(good_rows(world)))
    db.session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert counts() == after_first, "no new officers, postings or audit rows"
    assert dict(db.session.execute(sa.select(Officer.employee_no, Officer.version)).all()) == versions


def test_import_updates_a_known_officer_where_values_differ(world):
    row = [world.officer.employee_no, "张三", world.officer.id_number, "13912345678", world.street.code,
           world.grid.code, "2018-03-01", "active"]  # fmt: skip
    report = run(world.hr, csv_file([row]))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    db.session.commit()
    assert db.session.get(Officer, world.officer.id).phone == "13912345678"


def test_street_hr_cannot_import_into_another_street(world):
    rows = [["N0001", "赵六", number(1), "", world.other_street.code, "", "2020-01-01", ""]]
    report = run(world.street_hr, csv_file(rows), dry_run=True)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "Employing street", "You may only import officers of your own street.")
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_chinese_encodings_with_chinese_headers(world, encoding):
    with force_locale("zh_CN"):
        header = [str(column.label) for column in COLUMNS if column.key in HEADER]
    keyed = {key: index for index, key in enumerate(HEADER)}
    ordered_keys = [column.key for column in COLUMNS if column.key in HEADER]
    rows = [[row[keyed[key]] for key in ordered_keys] for row in good_rows(world)]
    report = run(world.hr, csv_file(rows, header=header, encoding=encoding))
    assert report.ok, report.errors
    assert report.created == 2
    db.session.commit()
    assert db.session.scalar(sa.select(Officer.name).where(Officer.employee_no == "N0001")) == "赵六"


def test_xlsx_import_with_date_cells(world):
    rows = good_rows(world)
    rows[0][6] = dt.datetime(2020, 1, 1)
    report = run(world.hr, xlsx_file(rows), filename="officers.xlsx")
    assert report.ok, report.errors
    assert report.created == 2


def test_the_downloadable_template_parses_back(world):
    street = StreetFactory(district=world.street.district, code="FT03")
    GridFactory(community=CommunityFactory(street=street), code="FT03-01-01")
    db.session.commit()
    for fmt in ("xlsx", "csv"):
        with force_locale("en"):
            body = importing.template(officer_import_spec(world.hr), fmt)
        report = run(world.hr, io.BytesIO(body), filename=f"template.{fmt}", dry_run=True)
        assert report.ok, report.errors
        assert (report.total, report.created) == (1, 1)


# --- views ---------------------------------------------------------------------------------------


@pytest.fixture
def hr(as_role):
    client = as_role("hr_clerk")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def upload(client, stream, filename="officers.csv"):
    return client.post("/officers/import", data={"file": (stream, filename), "dry_run": "1"})


def test_upload_checks_then_imports_exactly_the_checked_file(world, hr):
    page = upload(hr, csv_file(good_rows(world))).get_data(as_text=True)
    assert "2 to create, 0 to update, 0 unchanged" in page
    assert counts()[0] == 3, "the dry run writes nothing"
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)

    response = hr.post("/officers/import", data={"token": token}, follow_redirects=True)
    assert "Import done: 2 created, 0 updated, 0 unchanged." in response.get_data(as_text=True)
    assert counts()[0] == 5

    replay = hr.post("/officers/import", data={"token": token}, follow_redirects=True)
    assert "That import has expired" in replay.get_data(as_text=True)
    assert counts()[0] == 5


def test_a_forged_token_is_refused(world, hr):
    upload(hr, csv_file(good_rows(world)))
    before = counts()
    response = hr.post("/officers/import", data={"token": "forged"}, follow_redirects=True)
    assert "That import has expired" in response.get_data(as_text=True)
    assert counts() == before


def test_a_token_from_another_session_is_refused(world, hr, as_role):
    page = upload(hr, csv_file(good_rows(world))).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    other = as_role("admin")
    other.post("/officers/import", data={"token": token})
    assert counts()[0] == 3


def test_a_file_with_errors_shows_them_and_offers_no_import(world, hr):
    rows = good_rows(world) + [["N0001", "重复", number(3), "", world.street.code, "", "2020-01-01", ""]]
    page = upload(hr, csv_file(rows)).get_data(as_text=True)
    assert 'data-testid="import-errors"' in page
    assert "Duplicate of row 2 in this file." in page
    assert 'name="token"' not in page


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"hello", "officers.txt", "Upload an .xlsx or .csv file."),
        (b"PK\x03\x04 not really a workbook", "officers.xlsx", "The file is not a readable XLSX workbook."),
        (b"\xff\xfe\x00\x81\x30\xff", "officers.csv", "The CSV file is neither UTF-8 nor GB18030 text."),
        (b"", "officers.csv", ""),
        (b"employee_no\n", "officers.csv", "Missing columns"),
        (b"employee_no,name\x00,id_number\nA\x00,B,C\n", "officers.csv", ""),
    ],
)
def test_bad_files_are_explained_not_500(world, hr, content, filename, message):
    response = upload(hr, io.BytesIO(content), filename)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert counts()[0] == 3


# --- export ---------------------------------------------------------------------------------------


def test_export_xlsx_of_the_filtered_directory(world, as_role):
    response = as_role("admin").get(f"/officers/export.xlsx?street_id={world.street.id}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    by_no = {row[0]: row for row in rows[1:]}
    assert set(by_no) == {world.officer.employee_no, world.colleague.employee_no}
    assert by_no[world.officer.employee_no][3] == world.officer.masked_id_number
    assert by_no[world.officer.employee_no][8] == world.grid.code


def test_export_csv_is_scoped_for_a_street_hr(world, as_role):
    response = as_role("street_hr").get("/officers/export.csv")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == {world.officer.employee_no, world.colleague.employee_no}
    assert all(world.officer.id_number not in ",".join(row) for row in rows)


def test_export_of_an_unknown_format_is_404(world, as_role):
    assert as_role("admin").get("/officers/export.pdf").status_code == 404


def test_reimporting_a_future_hire_with_a_grid_changes_nothing(world):
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    rows = [["N0009", "周九", number(9), "", world.street.code, world.free_grid.code, future, "active"]]
    first = run(world.hr, csv_file(rows))
    db.session.commit()
    assert (first.created, first.errors) == (1, [])
    before = counts()
    again = run(world.hr, csv_file(rows))
    db.session.commit()
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 1, [])
    assert counts() == before


def test_columns_matching_no_field_are_reported_not_silently_dropped(world):
    header = [*HEADER, "学时数"]
    rows = [[*row, "8"] for row in good_rows(world)]
    report = run(world.hr, csv_file(rows, header=header), dry_run=True)
    assert report.ok
    assert report.ignored_columns == ["学时数"]
