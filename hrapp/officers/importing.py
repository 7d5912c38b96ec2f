"""Officer import: the column layout HR clerks keep in Excel, validated row by row.

Natural key: employee number. A row for a known employee number updates that profile only where a
value differs; a grid code posts the officer there (from the hire date for a new officer, from the
import date for a move). Re-importing the same file changes nothing.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hrapp.core import idcard
from hrapp.core.db import today
from hrapp.core.importing import Column, ImportSpec, RowRejected, choice_parser, parse_date
from hrapp.core.permissions import can_edit_street
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.officers import services
from hrapp.officers.models import EDUCATION, POLITICAL_STATUS, STATUSES, Officer, Posting
from hrapp.org.models import Community, Grid, Street

COMPARED = (
    "name",
    "id_number",
    "phone",
    "education",
    "political_status",
    "hire_date",
    "contract_start",
    "contract_end",
    "status",
    "street_id",
)


def _id_number(text: str) -> str:
    try:
        return idcard.parse(text).value
    except idcard.InvalidIdNumber as error:
        raise ValueError(_(str(error))) from None


COLUMNS = [
    Column("employee_no", _l("Employee no."), str.strip, example="FT0001"),
    Column("name", _l("Name"), str.strip, example="张三"),
    Column("id_number", _l("ID number"), _id_number, example=idcard.make("440304", dt.date(1990, 5, 17), 123)),
    Column("phone", _l("Phone"), str.strip, required=False, example="13800138000"),
    Column("education", _l("Education"), choice_parser(EDUCATION), required=False, example="bachelor"),
    Column(
        "political_status", _l("Political status"), choice_parser(POLITICAL_STATUS), required=False, example="masses"
    ),
    Column("street", _l("Employing street"), str.strip, example="FT03"),
    Column("grid", _l("Grid code"), str.strip, required=False, example="FT03-01-01"),
    Column("hire_date", _l("Hire date"), parse_date, example="2024-03-01"),
    Column("contract_start", _l("Contract start"), parse_date, required=False, example="2024-03-01"),
    Column("contract_end", _l("Contract end"), parse_date, required=False, example="2027-02-28"),
    Column("status", _l("Employment status"), choice_parser(STATUSES), required=False, example="active"),
]


class _Context:
    def __init__(self, acting):
        self.acting = acting
        self.on = today()
        self.officers = {o.employee_no: o for o in db.session.scalars(sa.select(Officer))}
        self.id_owner = {o.id_number: o.employee_no for o in self.officers.values()}
        self.streets = {}
        for street in db.session.scalars(sa.select(Street)):
            self.streets[street.code.lower()] = street
            self.streets[street.name.lower()] = street
        self.grids = {
            row.code.lower(): row
            for row in db.session.execute(
                sa.select(Grid.id, Grid.code, Grid.active, Community.street_id).join(Community)
            )
        }
        # Postings in force today or starting later (a future hire's first posting is theirs already);
        # ordered so that the latest posting of a grid or an officer wins.
        self.grid_holder = {
            row.grid_id: row.employee_no
            for row in db.session.execute(
                sa.select(Posting.grid_id, Officer.employee_no)
                .join(Officer)
                .where(Posting.is_primary.is_(True), Posting.overlapping(self.on, None))
                .order_by(Posting.effective_from)
            )
        }
        self.current_grid = {
            row.employee_no: row.grid_id
            for row in db.session.execute(
                sa.select(Officer.employee_no, Posting.grid_id)
                .join(Posting)
                .where(Posting.is_primary.is_(True), Posting.overlapping(self.on, None))
                .order_by(Posting.effective_from)
            )
        }
        self.ids_in_file: dict[str, str] = {}
        self.grids_in_file: dict[int, str] = {}


def _values(record: dict, context: _Context) -> dict:
    street = context.streets.get((record["street"] or "").lower())
    values = {key: record.get(key) for key in COMPARED if key in record}
    values["street_id"] = street.id if street else None
    values["status"] = record.get("status") or "active"
    values["phone"] = record.get("phone") or ""
    values["employee_no"] = record["employee_no"]
    return values


def _check(record: dict, context: _Context) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    street = context.streets.get((record["street"] or "").lower())
    if street is None:
        errors.append(("street", _("Unknown street %(street)s.", street=record["street"])))
    elif not can_edit_street(context.acting, street.id):
        errors.append(("street", _("You may only import officers of your own street.")))
    values = _values(record, context)
    existing = context.officers.get(record["employee_no"])
    errors += [
        (field if field != "street_id" else "street", message)
        for field, message in services.profile_errors(values, check_unique=False)
        if field not in ("street_id",)
    ]
    owner = context.id_owner.get(record["id_number"])
    if owner is not None and owner != record["employee_no"]:
        errors.append(("id_number", _("This ID number belongs to officer %(no)s.", no=owner)))
    other_row = context.ids_in_file.setdefault(record["id_number"], record["employee_no"])
    if other_row != record["employee_no"]:
        errors.append(("id_number", _("The same ID number appears for %(no)s in this file.", no=other_row)))
    if existing is not None and street is not None and not can_edit_street(context.acting, existing.street_id):
        errors.append(("employee_no", _("Officer %(no)s belongs to another street.", no=existing.employee_no)))
    if record.get("grid"):
        grid = context.grids.get(record["grid"].lower())
        if grid is None:
            errors.append(("grid", _("Unknown grid %(grid)s.", grid=record["grid"])))
        elif street is not None and grid.street_id != street.id:
            errors.append(("grid", _("Grid %(grid)s is not in street %(street)s.", grid=grid.code, street=street.name)))
        elif not grid.active:
            errors.append(("grid", _("Grid %(code)s is not in use.", code=grid.code)))
        else:
            holder = context.grid_holder.get(grid.id)
            if holder is not None and holder != record["employee_no"]:
                errors.append(("grid", _("Grid %(grid)s is served by officer %(no)s.", grid=grid.code, no=holder)))
            in_file = context.grids_in_file.setdefault(grid.id, record["employee_no"])
            if in_file != record["employee_no"]:
                errors.append(
                    ("grid", _("Grid %(grid)s is given to %(no)s too in this file.", grid=grid.code, no=in_file))
                )
            if record.get("status") == "left":
                errors.append(("grid", _("An officer who has left cannot be posted.")))
    return errors


def _differs(officer: Officer, values: dict) -> bool:
    return any(getattr(officer, key) != values.get(key) for key in COMPARED)


def _grid_changes(record: dict, context: _Context) -> bool:
    if not record.get("grid"):
        return False
    return context.current_grid.get(record["employee_no"]) != context.grids[record["grid"].lower()].id


def _plan(records: list[dict], context: _Context) -> tuple[int, int, int]:
    created = updated = unchanged = 0
    for record in records:
        existing = context.officers.get(record["employee_no"])
        if existing is None:
            created += 1
        elif _differs(existing, _values(record, context)) or _grid_changes(record, context):
            updated += 1
        else:
            unchanged += 1
    return created, updated, unchanged


def _write(records: list[dict], context: _Context) -> tuple[int, int, int]:
    created = updated = unchanged = 0
    for record in records:
        try:
            outcome = _write_one(record, context)
        except DomainError as error:
            field = {"grid_id": "grid", "start": "grid"}.get(error.field, error.field)
            label = next((str(c.label) for c in COLUMNS if c.key == field), "")
            raise RowRejected(record["_row"], label, error.message) from None
        created += outcome == "created"
        updated += outcome == "updated"
        unchanged += outcome == "unchanged"
    return created, updated, unchanged


def _write_one(record: dict, context: _Context) -> str:
    values = _values(record, context)
    officer = context.officers.get(record["employee_no"])
    moves = _grid_changes(record, context)
    if officer is None:
        officer = services.create_officer(values, acting=context.acting)
        outcome, start = "created", officer.hire_date
    elif _differs(officer, values) or moves:
        if _differs(officer, values):
            services.update_officer(officer, values, expected_version=officer.version, acting=context.acting)
        outcome, start = "updated", max(context.on, officer.hire_date)
    else:
        return "unchanged"
    if moves:
        grid = db.session.get(Grid, context.grids[record["grid"].lower()].id)
        services.post_to_grid(officer, grid, start=start, acting=context.acting, note=_("Imported"))
    return outcome


def officer_import_spec(acting) -> ImportSpec:
    return ImportSpec(
        name="officers",
        columns=COLUMNS,
        key="employee_no",
        prepare=lambda: _Context(acting),
        check=_check,
        plan=_plan,
        write=_write,
    )
