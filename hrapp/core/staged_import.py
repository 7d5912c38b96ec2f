"""The streaming path of the import framework, for files of millions of rows.

`core.importing.run_import` validates in Python, row by row, and caps a file at 50,000 rows. A
`StagedImportSpec` takes the other road, with the same `ImportReport` and `RowError`, the same
column declarations (`importing.Column`) and the same upload → dry run → confirm page:

1. stream the file (csv, openpyxl read-only, JSON lines) and parse each cell with its column's
   parser (a format error is a RowError, as in the row-by-row path);
2. load the parsed rows into a temporary staging table in batches (executemany on SQLite, COPY on
   PostgreSQL) — the one dialect-specific function, `bulk_load`;
3. validate set-based in SQL: duplicates of the key within the file here, the domain's rules
   (unknown references, timestamps out of order…) in `spec.checks`;
4. classify each staged row as created / updated / unchanged against the target (`spec.outcomes`),
   which is the dry run's plan;
5. only when no row has an error, merge in the caller's transaction (`spec.merge`, an upsert).

Everything runs on the session's connection, inside its transaction: a rollback removes the
staging table and every written row, so a file with one bad row leaves nothing behind.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.core.db import lock_for_writing
from hrapp.core.importing import Column, ImportFileError, ImportReport, RowError, _cell_text
from hrapp.extensions import db

BATCH_ROWS = 10_000
SQLITE_CACHE_KIB = 40 * 1024
SQLITE_TEMP_CACHE_KIB = 16 * 1024  # the staging table and the merge's sort
MAX_LISTED_ERRORS = 10_000  # a report lists this many problems; `rejected` counts every bad row
ROW = "_row"
NOT_AN_OBJECT = ["\x00not-an-object"]  # a JSON line that is not an object (identity-compared)


@dataclasses.dataclass
class StagedImportReport(ImportReport):
    rejected: int = 0  # rows with at least one problem
    outcomes: dict[int, str] = dataclasses.field(default_factory=dict)  # row -> outcome, when asked

    @property
    def inserted(self) -> int:
        return self.created

    @property
    def errors_truncated(self) -> bool:
        return len(self.errors) >= MAX_LISTED_ERRORS


@dataclasses.dataclass
class StagedImportSpec:
    """columns: the file's columns (parsers raise ValueError with a user-facing message).
    staging_columns(context) -> list[sa.Column]: the staging table's columns besides the row number,
    one per parsed value a row dict carries (derived values included).
    key: columns that identify a row; a repeat within the file is an error.
    prepare() -> context: loaded once per import.
    derive(record, context): adds derived values to a parsed row (in place) before staging, such
    as codes resolved to ids through lookups that prepare() loaded; returns the row's problems as
    (column key, message) pairs, or None. A row with a problem is reported and not staged.
    checks(connection, staging, context) -> iterable of (row, column key, message).
    outcomes(staging, context) -> select of (row number, outcome) with outcome in
    ('created', 'updated', 'unchanged').
    merge(connection, staging, context): upsert every staged row; flush-free Core statements.
    finish(connection, context): called last, to drop scratch tables the checks made.
    """

    name: str
    columns: list[Column]
    staging_columns: Callable[[Any], list[sa.Column]]
    key: tuple[str, ...]
    prepare: Callable[[], Any]
    checks: Callable[[sa.Connection, sa.Table, Any], Iterable[tuple[int, str, str]]]
    outcomes: Callable[[sa.Table, Any], sa.Select]
    merge: Callable[[sa.Connection, sa.Table, Any], None]
    derive: Callable[[dict, Any], Iterable[tuple[str, str]] | None] | None = None
    finish: Callable[[sa.Connection, Any], None] | None = None  # drop the domain's own scratch tables
    extensions: tuple[str, ...] = ("csv", "xlsx", "jsonl")


# --- reading, streamed ----------------------------------------------------------------------


class _CountingReader(io.RawIOBase):
    """Wraps a binary stream and counts the bytes read, for a progress bar over the file size."""

    def __init__(self, stream):
        self.stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


def _text_stream(counting: _CountingReader) -> io.TextIOWrapper:
    # UTF-8 (with or without BOM), else GB18030 (Excel on Chinese Windows), decided on the first MB.
    buffered = io.BufferedReader(counting, buffer_size=1 << 20)
    head = buffered.peek(1 << 20)[: 1 << 20]
    encoding = "gb18030"
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        pass
    return io.TextIOWrapper(buffered, encoding=encoding, newline="")


def _rows(counting: _CountingReader, filename: str) -> Iterator[list[str]]:
    """Header first, then each row's cell texts (JSON lines: the first object's keys are the header)."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(counting.stream, read_only=True, data_only=True)
        except Exception:
            raise ImportFileError(_("The file is not a readable XLSX workbook.")) from None
        try:
            for values in workbook.worksheets[0].iter_rows(values_only=True):
                yield [_cell_text(value) for value in values]
        finally:
            workbook.close()
        return
    text = _text_stream(counting)
    try:
        if name.endswith(".csv"):
            yield from csv.reader(text)
        elif name.endswith((".jsonl", ".ndjson", ".json")):
            yield from _json_lines(text)
        else:
            raise ImportFileError(_("Upload a .csv, .xlsx or .jsonl file."))
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is neither UTF-8 nor GB18030 text.")) from None
    except csv.Error as error:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s", error=str(error))) from None


def _json_lines(text) -> Iterator[list[str]]:
    header: list[str] | None = None
    for line in text:
        if not line.strip():
            yield []
            continue
        try:
            item = json.loads(line)
        except ValueError:
            item = None
        if not isinstance(item, dict):
            # Keeps the line count right: the line is reported, not skipped.
            yield NOT_AN_OBJECT
            continue
        if header is None:
            header = list(item)
            yield header
        yield [
            _cell_text(item.get(key)) if not isinstance(item.get(key), bool) else str(item.get(key)) for key in header
        ]


_HEADERS: dict[int, dict[str, set[str]]] = {}


def _aliases(columns: list[Column]) -> dict[str, set[str]]:
    # Header names in every language, worked out once per column list (force_locale is not cheap).
    known = _HEADERS.get(id(columns))
    if known is None:
        known = _HEADERS[id(columns)] = {column.key: column.headers() for column in columns}
    return known


def _positions(columns: list[Column], header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    normalised = [cell.strip().lower() for cell in header]
    names = _aliases(columns)
    for column in columns:
        aliases = names[column.key]
        for index, cell in enumerate(normalised):
            if cell in aliases:
                positions[column.key] = index
                break
    missing = [str(column.label) for column in columns if column.required and column.key not in positions]
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.", columns=", ".join(missing)))
    return positions


# --- loading ----------------------------------------------------------------------------------


def bulk_load(connection: sa.Connection, table: sa.Table, rows: list[tuple]) -> None:
    """Append rows (tuples in the table's column order) to a staging table: COPY on PostgreSQL,
    one executemany on SQLite (the driver's own loop, no per-row SQLAlchemy work)."""
    if not rows:
        return
    names = [column.name for column in table.columns]
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(names))
        raw.cursor().executemany(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", rows)


def tune_connection(connection: sa.Connection) -> None:
    """SQLite's default page cache (2 MB) makes a million-row upsert thrash the indexes of the target
    table; give this connection a larger one (a cap, not an allocation), and the temporary
    database, which holds the staging table and sorts it for the merge, one of its own. PostgreSQL needs nothing here (COPY and work_mem do the job)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        connection.exec_driver_sql(f"PRAGMA temp.cache_size=-{SQLITE_TEMP_CACHE_KIB}")


_STAGING_TABLES: dict[str, sa.Table] = {}


def _staging_table(spec: StagedImportSpec, context, connection: sa.Connection) -> sa.Table:
    # One Table object per import kind: SQLAlchemy's statement cache then reuses the compiled
    # checks and merge (an API batch of ten cases should not compile them afresh).
    table = _STAGING_TABLES.get(spec.name)
    if table is None:
        table = _STAGING_TABLES[spec.name] = sa.Table(
            f"staging_{spec.name}",
            sa.MetaData(),
            sa.Column(ROW, sa.Integer, primary_key=True, autoincrement=False),
            *spec.staging_columns(context),
            prefixes=["TEMPORARY"],
        )
    table.drop(connection, checkfirst=True)
    table.create(connection)
    return table


# --- the run ------------------------------------------------------------------------------------


def _record_error(report: StagedImportReport, bad_rows: set[int], row: int, label: str, message: str) -> None:
    if row not in bad_rows:
        bad_rows.add(row)
        report.rejected += 1
    if len(report.errors) < MAX_LISTED_ERRORS:
        report.errors.append(RowError(row, label, message))


def stage(
    spec: StagedImportSpec,
    rows: Iterable[list[str]],
    connection: sa.Connection,
    context,
    report: StagedImportReport,
    bad_rows: set[int],
    progress: Callable[[int], None] | None = None,
    first_row: int = 2,
) -> sa.Table:
    """Parse every row and load the good ones into the staging table; parse errors go to the report.
    `first_row`: the file's row number of the first row after the header (a later batch of a file
    keeps the file's numbering)."""
    rows = iter(rows)
    header = next(rows, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    positions = _positions(spec.columns, header)
    used = set(positions.values())
    report.ignored_columns = [cell.strip() for i, cell in enumerate(header) if cell.strip() and i not in used]
    table = _staging_table(spec, context, connection)
    names = [column.name for column in table.columns][1:]
    labels = {column.key: str(column.label) for column in spec.columns}
    required = _("A value is required.")
    # Columns the file lacks are None in every row: only the present ones are parsed per row.
    plan = [
        (column.key, positions[column.key], column.parse, column.required)
        for column in spec.columns
        if column.key in positions
    ]
    absent = dict.fromkeys(column.key for column in spec.columns if column.key not in positions)
    derive = spec.derive
    batch: list[tuple] = []
    total = 0
    for row_number, cells in enumerate(rows, start=first_row):
        if cells is NOT_AN_OBJECT:
            total += 1
            _record_error(report, bad_rows, row_number, "", _("This line is not a JSON object."))
            continue
        if not cells or not any(cells):
            continue
        total += 1
        record: dict[str, Any] = absent.copy()
        failed = False
        width = len(cells)
        for key, index, parse, is_required in plan:
            text = cells[index] if index is not None and index < width else ""
            if text:
                text = text.strip()
            if not text:
                if is_required:
                    _record_error(report, bad_rows, row_number, labels[key], required)
                    failed = True
                record[key] = None
                continue
            try:
                record[key] = parse(text)
            except ValueError as error:
                _record_error(report, bad_rows, row_number, labels[key], str(error))
                failed = True
        if failed:
            continue
        if derive is not None:
            problems = derive(record, context)
            if problems:
                for key, message in problems:
                    _record_error(report, bad_rows, row_number, labels.get(key, key), message)
                continue
        batch.append((row_number, *[record.get(name) for name in names]))
        if len(batch) >= BATCH_ROWS:
            bulk_load(connection, table, batch)
            batch = []
            if progress:
                progress(total)
    bulk_load(connection, table, batch)
    if progress:
        progress(total)
    report.total = total
    return table


def validate(
    spec: StagedImportSpec, connection, table: sa.Table, context, report: StagedImportReport, bad_rows: set[int]
):
    """Duplicates of the key within the file, then the domain's set-based checks."""
    labels = {column.key: str(column.label) for column in spec.columns}
    row = table.c[ROW]
    first = sa.func.min(row).over(partition_by=[table.c[key] for key in spec.key]).label("first")
    ranked = sa.select(row.label("row"), first).subquery()
    duplicates = sa.select(ranked.c.row, ranked.c.first).where(ranked.c.row != ranked.c.first).order_by(ranked.c.row)
    for number, first_row in connection.execute(duplicates):
        message = _("Duplicate of row %(row)d in this file.", row=first_row)
        _record_error(report, bad_rows, number, labels[spec.key[-1]], message)
    for number, key, message in spec.checks(connection, table, context):
        _record_error(report, bad_rows, number, labels.get(key, key), message)
    report.errors.sort(key=lambda error: error.row)


def run_staged(
    spec: StagedImportSpec,
    rows: Iterable[list[str]],
    *,
    dry_run: bool,
    partial: bool = False,
    per_row: bool = False,
    progress: Callable[[int], None] | None = None,
    first_row: int = 2,
) -> StagedImportReport:
    """Stage, validate, plan and (unless a dry run, or any row is bad) merge, on the session's
    connection. `partial`: merge the good rows even when others are bad (the API answers per
    item); a file import is all or nothing. `per_row`: keep each row's outcome in the report.
    The caller commits or rolls back."""
    connection = db.session.connection()
    tune_connection(connection)
    context = spec.prepare()
    report = StagedImportReport(dry_run=dry_run)
    bad_rows: set[int] = set()
    table = stage(spec, rows, connection, context, report, bad_rows, progress, first_row)
    if not dry_run:
        # Checks, plan and merge see one state of the database and write to it: on SQLite the lock
        # is taken here, after the long parse, so other writers wait only for checks and merge.
        lock_for_writing(connection)
    validate(spec, connection, table, context, report, bad_rows)
    if bad_rows and partial:
        bad = list(bad_rows)
        for start in range(0, len(bad), 500):
            connection.execute(table.delete().where(table.c[ROW].in_(bad[start : start + 500])))
    if not bad_rows or partial:
        outcomes = spec.outcomes(table, context)
        if per_row:
            report.outcomes = dict(connection.execute(outcomes).all())
            counts: dict[str, int] = {}
            for outcome in report.outcomes.values():
                counts[outcome] = counts.get(outcome, 0) + 1
        else:
            plan = outcomes.subquery()
            counts = dict(connection.execute(sa.select(plan.c[1], sa.func.count()).group_by(plan.c[1])).all())
        report.created = counts.get("created", 0)
        report.updated = counts.get("updated", 0)
        report.unchanged = counts.get("unchanged", 0)
        if not dry_run and (report.created or report.updated):
            spec.merge(connection, table, context)
    table.drop(connection)
    if spec.finish is not None:
        spec.finish(connection, context)
    return report


def run_staged_import(
    spec: StagedImportSpec, stream, filename: str, *, dry_run: bool, progress: Callable[[int, int], None] | None = None
) -> StagedImportReport:
    """Import a file (a binary stream) through the staged path; all or nothing.
    progress(rows, bytes_read) is called after each batch."""
    counting = _CountingReader(stream)
    callback = (lambda rows: progress(rows, counting.count)) if progress else None
    return run_staged(spec, _rows(counting, filename), dry_run=dry_run, progress=callback)


def file_rows(stream, filename: str) -> Iterator[list[str]]:
    """The rows of cell texts of a file (a binary stream), header first, streamed: for a caller that
    imports a large file in batches of its own (`run_staged` per batch, with `first_row`)."""
    return _rows(_CountingReader(stream), filename)


def rows_from_records(columns: list[Column], records: Iterable[dict]) -> Iterator[list[str]]:
    """Rows of cell texts (header first) from dicts keyed by column key: the API's items go through
    the same parsers and checks as a file's rows. Row numbers start at 2, so item i is row i + 2."""
    keys = [column.key for column in columns]
    yield keys
    for record in records:
        yield [_cell_text(record.get(key)) for key in keys]
