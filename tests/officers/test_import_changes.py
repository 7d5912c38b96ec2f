"""An import never silently rewrites a person: the dry run lists every change (old → new) and
applies every rule the write applies; empty cells keep values; ID numbers never change by import;
a name change needs the clerk's confirmation; export → edit in Excel → import changes exactly
what was edited; messages about other streets' officers name nobody."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hrapp.core import importing
from hrapp.core.audit import AuditEvent
from hrapp.core.importing import FieldChange
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.officers import services
from hrapp.officers.importing import officer_import_spec
from hrapp.officers.models import Officer
from tests.factories import PostingFactory, valid_id_number
from tests.officers.test_import import HEADER, counts, csv_file, number, run

FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def officer_rows() -> dict:
    db.session.expire_all()
    return {row.id: row for row in db.session.execute(sa.select(Officer.__table__)).all()}


def row_of(officer, world, **cells) -> list[str]:
    values = {
        "employee_no": officer.employee_no,
        "name": officer.name,
        "id_number": officer.id_number,
        "phone": "",
        "street": world.street.code,
        "grid": "",
        "hire_date": officer.hire_date.isoformat(),
        "status": "",
        **cells,
    }
    return [values[key] for key in HEADER]


def run_confirmed(user, stream, confirmed=frozenset()):
    spec = officer_import_spec(user)
    spec.confirmed = frozenset(confirmed)
    with force_locale("en"):
        return importing.run_import(spec, stream, "officers.csv", dry_run=False)


# --- the dry run lists each change -------------------------------------------------------------


def test_the_dry_run_lists_every_field_a_row_changes_old_to_new(world):
    header = [*HEADER, "education", "contract_end"]
    row = [*row_of(world.officer, world, phone="13912345678", status="休假"), "本科", "2027-02-28"]
    before = officer_rows()
    report = run(world.hr, csv_file([row], header=header), dry_run=True)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    [change] = report.changes
    assert (change.row, change.key, change.title) == (2, world.officer.employee_no, "张三")
    assert change.fields == [
        FieldChange("Phone", "13800138000", "13912345678"),
        FieldChange("Education", "", "Bachelor"),
        FieldChange("Contract end", "", "2027-02-28"),
        FieldChange("Employment status", "On duty", "On leave"),
    ]
    assert officer_rows() == before, "the dry run wrote nothing"


def test_the_dry_run_page_shows_the_changes(world, hr):
    row = row_of(world.officer, world, phone="13912345678")
    page = upload(hr, csv_file([row])).get_data(as_text=True)
    table = page[page.index('data-testid="import-changes"') :]
    assert "13800138000" in table and "13912345678" in table


# --- empty cells, clearing, identity -----------------------------------------------------------


def test_empty_optional_cells_leave_values_as_they_are(world):
    officer = world.officer
    officer.contract_start, officer.contract_end, officer.education = (
        dt.date(2018, 3, 1),
        dt.date(2028, 2, 28),
        "master",
    )
    officer.status = "leave"
    db.session.commit()
    before = officer_rows()
    header = [*HEADER, "education", "political_status", "contract_start", "contract_end"]
    report = run(world.hr, csv_file([[*row_of(officer, world), "", "", "", ""]], header=header))
    db.session.commit()
    assert report.ok, report.errors
    assert (report.updated, report.unchanged, report.changes) == (0, 1, [])
    assert officer_rows() == before


def test_clear_empties_an_optional_field_when_the_clerk_asks(world):
    report = run(world.hr, csv_file([row_of(world.officer, world, phone="清空")]))
    db.session.commit()
    assert [change.fields for change in report.changes] == [[FieldChange("Phone", "13800138000", "")]]
    assert db.session.get(Officer, world.officer.id).phone == ""


def test_an_import_never_changes_an_id_number(world):
    other_number = valid_id_number(dt.date(1985, 6, 6))
    before = officer_rows()
    report = run(world.hr, csv_file([row_of(world.officer, world, id_number=other_number)]))
    db.session.commit()
    assert [(e.column, e.message) for e in report.errors] == [
        ("ID number", "An import never changes an ID number: correct it on the officer's profile, giving the reason.")
    ]
    assert officer_rows() == before


def test_the_profile_service_refuses_an_id_change_too(world):
    values = {field: getattr(world.officer, field) for field in services.PROFILE_FIELDS}
    values["id_number"] = valid_id_number(dt.date(1985, 6, 6))
    with force_locale("en"), pytest.raises(DomainError, match="only by a correction"):
        services.update_officer(world.officer, values, expected_version=world.officer.version, acting=world.hr)


def test_a_name_change_is_written_only_when_confirmed(world):
    rows = [row_of(world.officer, world, name="张叁")]
    dry = run(world.hr, csv_file(rows), dry_run=True)
    assert dry.ok and dry.confirmations == ["names"]
    assert dry.changes[0].fields == [FieldChange("Name", "张三", "张叁", confirm="names")]

    before = officer_rows()
    refused = run_confirmed(world.hr, csv_file(rows))
    db.session.commit()
    assert [e.message for e in refused.errors] == ["Confirm the changes marked on the check page before importing."]
    assert officer_rows() == before

    done = run_confirmed(world.hr, csv_file(rows), confirmed={"names"})
    db.session.commit()
    assert done.ok and done.updated == 1
    assert db.session.get(Officer, world.officer.id).name == "张叁"


def upload(client, stream, filename="officers.csv"):
    return client.post("/officers/import", data={"file": (stream, filename), "dry_run": "1"})


@pytest.fixture
def hr(as_role):
    client = as_role("hr_clerk")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_name_change_confirmation_on_the_dry_run_page(world, hr):
    page = upload(hr, csv_file([row_of(world.officer, world, name="张叁")])).get_data(as_text=True)
    assert 'name="confirm" value="names"' in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    refused = hr.post("/officers/import", data={"token": token}).get_data(as_text=True)
    assert "Confirm the changes marked on the check page" in refused
    db.session.expire_all()
    assert db.session.get(Officer, world.officer.id).name == "张三"

    page = upload(hr, csv_file([row_of(world.officer, world, name="张叁")])).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = hr.post("/officers/import", data={"token": token, "confirm": "names"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Officer, world.officer.id).name == "张叁"


# --- the dry run applies the write's rules -----------------------------------------------------


def test_a_street_move_with_an_open_posting_is_refused_by_the_dry_run(world):
    row = row_of(world.officer, world, street=world.other_street.code)
    dry = run(world.hr, csv_file([row]), dry_run=True)
    assert [(e.row, e.column, e.message) for e in dry.errors] == [
        (2, "Employing street", "End the officer's current posting before moving them to another street.")
    ]


def test_a_rule_only_the_write_sees_is_reported_by_the_dry_run(world):
    PostingFactory(
        officer=world.colleague,
        grid=world.free_grid,
        effective_from=dt.date(2015, 1, 1),
        effective_to=dt.date(2019, 1, 1),
    )
    db.session.commit()
    rows = [["N0003", "吴八", number(3), "", world.street.code, world.free_grid.code, "2018-03-01", "active"]]
    before = counts()
    dry = run(world.hr, csv_file(rows), dry_run=True)
    assert [e.row for e in dry.errors] == [2]
    assert "One grid, one officer" in dry.errors[0].message
    db.session.rollback()
    assert counts() == before


def test_what_the_dry_run_accepts_the_import_writes(world):
    rows = [
        row_of(world.officer, world, phone="13912345678", status="suspended"),
        row_of(world.colleague, world, grid=world.free_grid.code),
        ["N0001", "赵六", number(1), "", world.street.code, "", "2020-01-01", ""],
    ]
    dry = run(world.hr, csv_file(rows), dry_run=True)
    db.session.rollback()
    assert dry.ok, dry.errors
    done = run(world.hr, csv_file(rows))
    db.session.commit()
    assert done.ok, done.errors
    assert (done.created, done.updated, done.unchanged) == (dry.created, dry.updated, dry.unchanged) == (1, 2, 0)
    assert done.changes == dry.changes


# --- export → edit → import --------------------------------------------------------------------


def edited_xlsx(body: bytes, employee_no: str, column: str, value: str) -> io.BytesIO:
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == employee_no:
            row[header.index(column)].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("url", ["/officers/export.xlsx", "/officers/export-for-editing.xlsx"])
def test_export_edit_a_phone_in_excel_and_import_changes_exactly_that(world, hr, url):
    world.officer.education, world.officer.political_status = "bachelor", "masses"
    world.officer.contract_start, world.officer.contract_end = dt.date(2018, 3, 1), dt.date(2027, 2, 28)
    db.session.commit()
    body = hr.get(url).data
    before = officer_rows()
    edited = edited_xlsx(body, world.colleague.employee_no, "Phone", "13700137000")
    with force_locale("en"):
        report = importing.run_import(officer_import_spec(world.hr), edited, "officers.xlsx", dry_run=False)
    db.session.commit()
    assert report.ok, report.errors
    assert report.ignored_columns == []
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert [(c.key, c.fields) for c in report.changes] == [
        (world.colleague.employee_no, [FieldChange("Phone", "13800138000", "13700137000")])
    ]
    after = officer_rows()
    changed = {
        (officer_id, key)
        for officer_id, row in after.items()
        for key, value in row._mapping.items()
        if before[officer_id]._mapping[key] != value
    }
    assert changed == {
        (world.colleague.id, "phone"),
        (world.colleague.id, "version"),
        (world.colleague.id, "updated_at"),
    }


def test_the_export_for_editing_has_whole_numbers_and_logs_a_reveal_per_row(world, as_role):
    body = as_role("street_hr").get("/officers/export-for-editing.csv").get_data(as_text=True)
    assert world.officer.id_number in body and world.colleague.id_number in body
    assert world.stranger.employee_no not in body
    db.session.expire_all()
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "reveal_id")).all()
    assert sorted(e.officer_id for e in events) == sorted([world.officer.id, world.colleague.id])
    assert {(e.actor_name, e.changes["via"]) for e in events} == {("street_hr", "export")}


def test_a_masked_number_is_refused_for_a_new_officer_or_another_officer(world):
    rows = [
        ["N0001", "赵六", world.officer.masked_id_number, "", world.street.code, "", "2020-01-01", ""],
        row_of(world.colleague, world, id_number=world.officer.masked_id_number),
    ]
    report = run(world.hr, csv_file(rows), dry_run=True)
    assert [(e.row, e.message) for e in report.errors] == [
        (2, "A new officer needs the full ID number, not the masked one."),
        (3, "This masked ID number is not the officer's."),
    ]


def test_the_template_examples_are_the_labels_the_export_writes(world):
    with force_locale("zh_CN"):
        body = importing.template(officer_import_spec(world.hr), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    example = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert (example["学历"], example["政治面貌"], example["在岗状态"]) == ("本科", "群众", "在岗")


def test_csv_downloads_name_their_charset_once(world, hr):
    for url in ("/officers/export.csv", "/officers/import/template.csv"):
        assert hr.get(url).headers["Content-Type"] == "text/csv; charset=utf-8"


# --- other streets' officers are not identified ------------------------------------------------


def test_messages_about_another_streets_officers_name_nobody(world):
    rows = [
        ["N0001", "赵六", world.stranger.id_number, "", world.street.code, "", "2020-01-01", ""],
        [world.stranger.employee_no, "冒名", number(2), "", world.street.code, "", "2020-01-01", ""],
        ["N0003", "钱八", world.colleague.id_number, "", world.street.code, "", "2020-01-01", ""],
    ]
    report = run(world.street_hr, csv_file(rows), dry_run=True)
    assert [(e.row, e.message) for e in report.errors] == [
        (2, "This ID number is already registered."),
        (3, f"Employee number {world.stranger.employee_no} is already registered."),
        (4, f"This ID number belongs to officer {world.colleague.employee_no}."),
    ]
    text = " ".join(e.message for e in report.errors)
    assert world.stranger.name not in text and world.stranger.street.name not in text


def test_a_fullwidth_spelling_of_a_registered_number_is_a_duplicate_in_an_import(world):
    rows = [
        ["N0001", "赵六", world.colleague.id_number.translate(FULLWIDTH), "", world.street.code, "", "2020-01-01", ""]
    ]
    report = run(world.hr, csv_file(rows), dry_run=True)
    assert [e.message for e in report.errors] == [f"This ID number belongs to officer {world.colleague.employee_no}."]


def test_the_directory_offers_the_export_for_editing_to_hr_only(world, as_role):
    assert "/officers/export-for-editing.xlsx" in as_role("street_hr").get("/officers/").get_data(as_text=True)
    assert "/officers/export-for-editing" not in as_role("inspector").get("/officers/").get_data(as_text=True)
