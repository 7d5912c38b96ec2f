"""Officer import: the column layout HR clerks keep in Excel, validated row by row.

Natural key: employee number. A row for a known employee number updates that profile only where a
value differs; a grid code posts the officer there (from the hire date for a new officer, from the
import date for a move). Re-importing the same file changes nothing.

An import never silently rewrites a person: an empty optional cell leaves the value as it is (the
word 清空 / "clear" empties it); an ID number is never changed by an import (that is a correction on
the profile, with its reason); a name change is written only when the clerk confirms it on the
dry-run page, which lists every field each row changes (old → new). The ID number may be the masked
one an export shows, for an officer already registered. Messages about officers outside the
clerk's street do not name them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hrapp.core import idcard
from hrapp.core.db import today
from hrapp.core.importing import (
    Column,
    FieldChange,
    ImportSpec,
    RowChange,
    RowRejected,
    choice_parser,
    parse_date,
)
from hrapp.core.permissions import can_edit_street
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.officers import services
from hrapp.officers.models import EDUCATION, POLITICAL_STATUS, SEXES, STATUSES, Officer, Posting
from hrapp.org.models import Community, Grid, Street

# Compared with the profile to tell what a row changes. The ID number (and the birth date and sex
# derived from it) is not: an import never changes it.
COMPARED = (
    "name",
    "phone",
    "education",
    "political_status",
    "hire_date",
    "contract_start",
    "contract_end",
    "status",
    "street_id",
)
CLEAR_WORDS = frozenset({"清空", "clear"})
OPTIONAL_DEFAULTS = {
    "phone": "",
    "education": None,
    "political_status": None,
    "contract_start": None,
    "contract_end": None,
    "status": "active",
}
# A name change is a change of whom the record is about: written only on the clerk's confirmation.
CONFIRM_NAMES = "names"


class Clear:
    """The parsed value of an optional cell that asks for the field to be emptied."""

    def __repr__(self) -> str:
        return "CLEAR"


CLEAR = Clear()


@dataclasses.dataclass(frozen=True)
class MaskedId:
    """An ID number as an export shows it (4403**********1234): for a registered officer whose
    number it masks, it means "unchanged"."""

    text: str


_MASKED = re.compile(r"^[0-9]{4}\*{10}[0-9]{3}[0-9X]$", re.ASCII)


def _id_number(text: str) -> str | MaskedId:
    if _MASKED.match(idcard.normalise(text)):
        return MaskedId(idcard.normalise(text))
    try:
        return idcard.parse(text).value
    except idcard.InvalidIdNumber as error:
        raise ValueError(_(str(error))) from None


def _clearable(parse):
    def parse_or_clear(text: str):
        return CLEAR if text.strip().lower() in CLEAR_WORDS else parse(text)

    return parse_or_clear


COLUMNS = [
    Column("employee_no", _l("Employee no."), str.strip, example="FT0001"),
    Column("name", _l("Name"), str.strip, example="张三"),
    Column("sex", _l("Sex"), choice_parser(SEXES), required=False, example=SEXES["M"]),
    Column("id_number", _l("ID number"), _id_number, example=idcard.make("440304", dt.date(1990, 5, 17), 123)),
    Column("phone", _l("Phone"), _clearable(str.strip), required=False, example="13800138000"),
    Column(
        "education",
        _l("Education"),
        _clearable(choice_parser(EDUCATION)),
        required=False,
        example=EDUCATION["bachelor"],
    ),
    Column(
        "political_status",
        _l("Political status"),
        _clearable(choice_parser(POLITICAL_STATUS)),
        required=False,
        example=POLITICAL_STATUS["masses"],
    ),
    Column("street", _l("Employing street"), str.strip, example="FT03"),
    Column("grid", _l("Grid code"), str.strip, required=False, example="FT03-01-01"),
    Column("hire_date", _l("Hire date"), parse_date, example="2024-03-01"),
    Column("contract_start", _l("Contract start"), _clearable(parse_date), required=False, example="2024-03-01"),
    Column("contract_end", _l("Contract end"), _clearable(parse_date), required=False, example="2027-02-28"),
    Column("status", _l("Employment status"), choice_parser(STATUSES), required=False, example=STATUSES["active"]),
]
LABELS = {column.key: column.label for column in COLUMNS}
LABELS["street_id"] = LABELS["street"]
CHOICE_LABELS = {"education": EDUCATION, "political_status": POLITICAL_STATUS, "status": STATUSES}


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
        self.grid_codes = {row.id: row.code for row in self.grids.values()}
        self.street_names = {street.id: street.name for street in self.streets.values()}
        self.ids_in_file: dict[str, str] = {}
        self.changes: list[RowChange] = []
        self.grids_in_file: dict[int, str] = {}


def _values(record: dict, context: _Context) -> dict:
    """The profile a row asks for. Empty optional cells keep a registered officer's values."""
    existing = context.officers.get(record["employee_no"])
    street = context.streets.get((record["street"] or "").lower())
    values = {
        "employee_no": record["employee_no"],
        "name": record["name"],
        "sex": record.get("sex"),
        "hire_date": record["hire_date"],
        "street_id": street.id if street else None,
        "id_number": record["id_number"],
    }
    if isinstance(record["id_number"], MaskedId):
        masks_it = existing is not None and existing.masked_id_number == record["id_number"].text
        values["id_number"] = existing.id_number if masks_it else None
    for key, default in OPTIONAL_DEFAULTS.items():
        cell = record.get(key)
        if cell is CLEAR:
            values[key] = default
        elif cell is None:
            values[key] = getattr(existing, key) if existing is not None else default
        else:
            values[key] = cell
    return values


def _in_scope(context: _Context, employee_no: str) -> bool:
    officer = context.officers.get(employee_no)
    return officer is not None and can_edit_street(context.acting, officer.street_id)


def _check(record: dict, context: _Context) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    existing = context.officers.get(record["employee_no"])
    if existing is not None and not can_edit_street(context.acting, existing.street_id):
        # Nothing more about an officer of another street: whatever else were said would tell
        # the clerk something about them (their ID number, their name).
        return [("employee_no", _("Employee number %(no)s is already registered.", no=record["employee_no"]))]
    street = context.streets.get((record["street"] or "").lower())
    if street is None:
        errors.append(("street", _("Unknown street %(street)s.", street=record["street"])))
    elif not can_edit_street(context.acting, street.id):
        errors.append(("street", _("You may only import officers of your own street.")))
    values = _values(record, context)
    id_number = values["id_number"]
    if isinstance(record["id_number"], MaskedId) and existing is None:
        errors.append(("id_number", _("A new officer needs the full ID number, not the masked one.")))
    elif id_number is None:
        errors.append(("id_number", _("This masked ID number is not the officer's.")))
    elif existing is not None and id_number != existing.id_number:
        errors.append(
            (
                "id_number",
                _("An import never changes an ID number: correct it on the officer's profile, giving the reason."),
            )
        )
    if id_number is not None:
        errors += [
            (field, message)
            for field, message in services.profile_errors(values, check_unique=False)
            if field not in ("street_id", "id_number")
        ]
        owner = context.id_owner.get(id_number)
        if owner is not None and owner != record["employee_no"]:
            if _in_scope(context, owner):
                errors.append(("id_number", _("This ID number belongs to officer %(no)s.", no=owner)))
            else:
                errors.append(("id_number", _("This ID number is already registered.")))
        other_row = context.ids_in_file.setdefault(id_number, record["employee_no"])
        if other_row != record["employee_no"]:
            errors.append(("id_number", _("The same ID number appears for %(no)s in this file.", no=other_row)))
    moves_street = existing is not None and street is not None and street.id != existing.street_id
    if moves_street and record["employee_no"] in context.current_grid:
        # The rule of services.update_officer, here so that every row breaking it is reported.
        errors.append(("street", services.street_move_refusal()))
    if record.get("grid"):
        errors += _grid_errors(record, context, street)
    return errors


def _grid_errors(record: dict, context: _Context, street) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
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
            errors.append(("grid", _("Grid %(grid)s is given to %(no)s too in this file.", grid=grid.code, no=in_file)))
        if record.get("status") == "left":
            errors.append(("grid", _("An officer who has left cannot be posted.")))
    return errors


def _shown(key: str, value, context: _Context) -> str:
    if value is None or value == "":
        return ""
    if key in CHOICE_LABELS:
        return str(CHOICE_LABELS[key].get(value, value))
    if key == "street_id":
        return context.street_names.get(value, str(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _field_changes(officer: Officer, values: dict, context: _Context) -> list[FieldChange]:
    changes = []
    for key in COMPARED:
        old, new = getattr(officer, key), values.get(key)
        if isinstance(new, str):
            new = new.strip()
        if (old or None) == (new or None):
            continue
        changes.append(
            FieldChange(
                str(LABELS[key]),
                _shown(key, old, context),
                _shown(key, new, context),
                confirm=CONFIRM_NAMES if key == "name" else None,
            )
        )
    return changes


def _grid_changes(record: dict, context: _Context) -> bool:
    if not record.get("grid"):
        return False
    return context.current_grid.get(record["employee_no"]) != context.grids[record["grid"].lower()].id


def _write(records: list[dict], context: _Context) -> tuple[int, int, int]:
    created = updated = unchanged = 0
    context.changes = []
    for record in records:
        try:
            outcome = _write_one(record, context)
        except DomainError as error:
            field = {"grid_id": "grid", "start": "grid", "street_id": "street"}.get(error.field, error.field)
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
    else:
        changes = _field_changes(officer, values, context)
        if moves:
            old_grid = context.grid_codes.get(context.current_grid.get(record["employee_no"]), "")
            changes.append(FieldChange(str(LABELS["grid"]), old_grid, context.grids[record["grid"].lower()].code))
        if not changes:
            return "unchanged"
        context.changes.append(RowChange(record["_row"], officer.employee_no, officer.name, changes))
        if any(change.column != str(LABELS["grid"]) for change in changes):
            services.update_officer(officer, values, expected_version=officer.version, acting=context.acting)
        outcome, start = "updated", max(context.on, officer.hire_date)
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
        write=_write,
        describe=lambda context: context.changes,
    )
