"""Tabular import and export (XLSX and CSV), the one framework every domain's import uses.

An import is described by an `ImportSpec`: its columns (each with a parser that raises ValueError
with a user-facing message), a natural key, a row check for rules that need the database, and a
writer. `run_import` streams the file, validates every row, and reports every bad row (row number,
column, reason). Only a file without a single error is written, inside a savepoint, so a failed
import leaves nothing behind; writers upsert on the natural key, so re-importing a file changes
nothing.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from hrapp.extensions import db

MAX_ROWS = 50_000


@dataclasses.dataclass
class Column:
    key: str
    label: Any  # lazy_gettext string; headers are matched in every language and by key
    parse: Callable[[str], Any] = str
    required: bool = True
    example: str = ""

    def headers(self) -> set[str]:
        names = {self.key.lower()}
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                names.add(str(self.label).strip().lower())
        return names


@dataclasses.dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclasses.dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    dry_run: bool = True
    # Header cells that match no column: shown so that a misspelt optional column is not lost silently.
    ignored_columns: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class RowRejected(Exception):
    """Raised by a writer when a row fails a rule only the write can see; the import rolls back."""

    def __init__(self, row: int, column: str, message: str):
        super().__init__(message)
        self.error = RowError(row, column, message)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, no header, missing columns)."""


@dataclasses.dataclass
class ImportSpec:
    """columns: the template's columns in order.
    key: the natural key column used to upsert.
    check(record, context) -> list[(column_key, message)]: rules needing the database.
    write(records, context) -> (created, updated, unchanged): upsert; must flush, never commit.
    plan(records, context) -> (created, updated, unchanged): what write would do, for the dry run.
    prepare() -> context: loaded once per import (lookups by code, existing keys…).
    """

    name: str
    columns: list[Column]
    key: str
    prepare: Callable[[], Any]
    check: Callable[[dict, Any], list[tuple[str, str]]]
    plan: Callable[[list[dict], Any], tuple[int, int, int]]
    write: Callable[[list[dict], Any], tuple[int, int, int]]


# --- reading -------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(raw: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GB18030/GBK; elsewhere UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return codecs.decode(raw, encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GB18030 text."))


def read_table(stream, filename: str) -> Iterator[list[str]]:
    """Yield rows of cell texts, header first. XLSX is read in streaming (read-only) mode."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception:
            raise ImportFileError(_("The file is not a readable XLSX workbook.")) from None
        try:
            for values in workbook.worksheets[0].iter_rows(values_only=True):
                yield [_cell_text(value) for value in values]
        finally:
            workbook.close()
    elif name.endswith(".csv"):
        yield from csv.reader(io.StringIO(_decode(stream.read())))
    else:
        raise ImportFileError(_("Upload an .xlsx or .csv file."))


def parse_rows(spec: ImportSpec, stream, filename: str, context) -> tuple[list[dict], list[RowError], int, list[str]]:
    rows = read_table(stream, filename)
    header = next(rows, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    positions: dict[str, int] = {}
    normalised = [cell.strip().lower() for cell in header]
    for column in spec.columns:
        aliases = column.headers()
        for index, cell in enumerate(normalised):
            if cell in aliases:
                positions[column.key] = index
                break
    used = set(positions.values())
    ignored = [cell.strip() for index, cell in enumerate(header) if cell.strip() and index not in used]
    missing = [str(column.label) for column in spec.columns if column.required and column.key not in positions]
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.", columns=", ".join(missing)))

    labels = {column.key: str(column.label) for column in spec.columns}
    records: list[dict] = []
    errors: list[RowError] = []
    seen_keys: dict[Any, int] = {}
    total = 0
    for row_number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells if cell):
            continue
        total += 1
        if total > MAX_ROWS:
            raise ImportFileError(_("The file has more than %(limit)d rows.", limit=MAX_ROWS))
        record: dict[str, Any] = {"_row": row_number}
        row_errors: list[RowError] = []
        for column in spec.columns:
            index = positions.get(column.key)
            text = cells[index].strip() if index is not None and index < len(cells) and cells[index] else ""
            if not text:
                if column.required:
                    row_errors.append(RowError(row_number, labels[column.key], _("A value is required.")))
                record[column.key] = None
                continue
            try:
                record[column.key] = column.parse(text)
            except ValueError as error:
                row_errors.append(RowError(row_number, labels[column.key], str(error)))
        key = record.get(spec.key)
        if key is not None:
            if key in seen_keys:
                row_errors.append(
                    RowError(
                        row_number,
                        labels[spec.key],
                        _("Duplicate of row %(row)d in this file.", row=seen_keys[key]),
                    )
                )
            else:
                seen_keys[key] = row_number
        if not row_errors:
            for column_key, message in spec.check(record, context):
                row_errors.append(RowError(row_number, labels.get(column_key, column_key), message))
        errors.extend(row_errors)
        if not row_errors:
            records.append(record)
    return records, errors, total, ignored


def run_import(spec: ImportSpec, stream, filename: str, *, dry_run: bool) -> ImportReport:
    """Validate the whole file; write it only if every row is valid and this is not a dry run."""
    context = spec.prepare()
    records, errors, total, ignored = parse_rows(spec, stream, filename, context)
    report = ImportReport(total=total, errors=errors, dry_run=dry_run, ignored_columns=ignored)
    if errors:
        return report
    if dry_run:
        report.created, report.updated, report.unchanged = spec.plan(records, context)
        return report
    savepoint = db.session.begin_nested()
    try:
        report.created, report.updated, report.unchanged = spec.write(records, context)
    except RowRejected as rejected:
        savepoint.rollback()
        report.created = report.updated = report.unchanged = 0
        report.errors.append(rejected.error)
        return report
    savepoint.commit()
    return report


# --- parsers shared by specs ---------------------------------------------------------------


def parse_date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text.split(" ")[0], fmt).date()
        except ValueError:
            continue
    raise ValueError(_("Not a date (use YYYY-MM-DD)."))


def choice_parser(choices: dict[str, str]) -> Callable[[str], str]:
    """Accept a stored code or its label in any language: choices maps code -> lazy label."""

    def parse(text: str) -> str:
        wanted = text.strip().lower()
        for code, label in choices.items():
            names = {code.lower()}
            for locale in ("zh_CN", "en"):
                with force_locale(locale):
                    names.add(str(label).lower())
            if wanted in names:
                return code
        raise ValueError(_("Unknown value %(value)s.", value=text))

    return parse


# --- writing -------------------------------------------------------------------------------


def write_xlsx(headers: list[str], rows: Iterable[Iterable[Any]], title: str = "Sheet1") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headers: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    # UTF-8 with BOM so Excel opens Chinese text correctly.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template(spec: ImportSpec, fmt: str) -> bytes:
    headers = [str(column.label) for column in spec.columns]
    example = [column.example for column in spec.columns]
    return write_xlsx(headers, [example], spec.name) if fmt == "xlsx" else write_csv(headers, [example])
