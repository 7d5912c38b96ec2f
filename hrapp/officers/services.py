"""Officer and posting rules.

- The ID number must pass the GB 11643 check; birth date and sex are derived from it and a sex
  entered by hand must agree.
- Employee numbers and ID numbers are unique.
- A stale edit (the profile changed since the form was opened) is refused, never merged silently.
- One grid, one officer: no two primary postings of a grid, nor of an officer, overlap in time.
- Officers are never deleted: they leave (status 离职), which ends their open postings.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.core import idcard
from hrapp.core.audit import log_read
from hrapp.core.db import today
from hrapp.core.permissions import can_edit_officer, can_reveal_id_number
from hrapp.errors import Conflict, DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.officers import hooks
from hrapp.officers.models import EDUCATION, POLITICAL_STATUS, STATUSES, Officer, Posting
from hrapp.org.models import Community, Grid

PROFILE_FIELDS = (
    "employee_no",
    "name",
    "sex",
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
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
EMPLOYEE_NO = re.compile(r"^[A-Za-z0-9-]{2,20}$")


def id_number_error(raw: str) -> str | None:
    try:
        idcard.parse(raw)
    except idcard.InvalidIdNumber as error:
        return _(str(error))
    return None


def profile_errors(values: dict, *, exclude_id: int | None = None, check_unique: bool = True) -> list[tuple[str, str]]:
    """Every rule a profile must satisfy, as (field, message) pairs. Shared by forms and imports
    (an import checks uniqueness against its own preloaded keys: check_unique=False)."""
    errors: list[tuple[str, str]] = []
    employee_no = (values.get("employee_no") or "").strip()
    if not EMPLOYEE_NO.match(employee_no):
        errors.append(("employee_no", _("Employee number: 2–20 letters, digits or '-'.")))
    if not (values.get("name") or "").strip():
        errors.append(("name", _("A name is required.")))
    parsed = None
    try:
        parsed = idcard.parse(values.get("id_number") or "")
    except idcard.InvalidIdNumber as error:
        errors.append(("id_number", _(str(error))))
    if parsed and values.get("sex") and values["sex"] != parsed.sex:
        errors.append(("sex", _("Sex does not match the ID number.")))
    phone = (values.get("phone") or "").strip()
    if phone and not PHONE.match(phone):
        errors.append(("phone", _("Phone: an 11-digit mobile number or a landline such as 0755-12345678.")))
    if values.get("education") and values["education"] not in EDUCATION:
        errors.append(("education", _("Unknown education level.")))
    if values.get("political_status") and values["political_status"] not in POLITICAL_STATUS:
        errors.append(("political_status", _("Unknown political status.")))
    if values.get("status", "active") not in STATUSES:
        errors.append(("status", _("Unknown employment status.")))
    hire_date = values.get("hire_date")
    if not hire_date:
        errors.append(("hire_date", _("A hire date is required.")))
    elif parsed and age_on(parsed.birth_date, hire_date) < 16:
        errors.append(("hire_date", _("The hire date is before the officer's 16th birthday.")))
    start, end = values.get("contract_start"), values.get("contract_end")
    if start and end and end <= start:
        errors.append(("contract_end", _("The contract must end after it starts.")))
    if not check_unique:
        return errors
    if employee_no and _taken(Officer.employee_no, employee_no, exclude_id):
        errors.append(("employee_no", _("Employee number %(no)s is already used.", no=employee_no)))
    if parsed and _taken(Officer.id_number, parsed.value, exclude_id):
        errors.append(("id_number", _("This ID number belongs to another officer.")))
    return errors


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _taken(column, value, exclude_id: int | None) -> bool:
    stmt = sa.select(Officer.id).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(Officer.id != exclude_id)
    return db.session.scalar(stmt) is not None


def _raise_first(errors: list[tuple[str, str]]) -> None:
    if errors:
        field, message = errors[0]
        raise DomainError(message, field=field)


def _apply(officer: Officer, values: dict) -> None:
    parsed = idcard.parse(values["id_number"])
    for field in PROFILE_FIELDS:
        if field in values:
            value = values[field]
            setattr(officer, field, value.strip() if isinstance(value, str) else value)
    officer.id_number = parsed.value
    officer.birth_date = parsed.birth_date
    officer.sex = parsed.sex
    officer.education = officer.education or None
    officer.political_status = officer.political_status or None


def create_officer(values: dict, *, acting) -> Officer:
    """A new officer; the domains registered in `hooks` add what a hire starts with (certification:
    probation step 1 from the hire date)."""
    values = {"status": "active", **values}
    _raise_first(profile_errors(values))
    officer = Officer(street_id=values["street_id"])
    if not can_edit_officer(acting, officer):
        raise PermissionDenied(_("You may only add officers to your own street."))
    _apply(officer, values)
    db.session.add(officer)
    db.session.flush()
    hooks.officer_created(officer, acting)
    return officer


def id_change_refusal() -> str:
    return _("An ID number is changed only by a correction on the profile, with its reason.")


def street_move_refusal() -> str:
    """An officer with a current or future posting cannot change street: a posting stays inside
    the officer's street (scoping and funding follow the street). Shared with the import's checks."""
    return _("End the officer's current posting before moving them to another street.")


def update_officer(officer: Officer, values: dict, *, expected_version: int, acting) -> Officer:
    """Refuse the edit if the profile changed since the form showed version `expected_version`."""
    if not can_edit_officer(acting, officer):
        raise PermissionDenied(_("You may not edit this officer."))
    if officer.version != expected_version:
        raise Conflict(
            _(
                "Someone else saved this profile while you were editing it. Your changes were not saved: "
                "the form shows them next to the current values; review and save again."
            )
        )
    new_street = values.get("street_id", officer.street_id)
    if new_street != officer.street_id and not can_edit_officer(acting, Officer(street_id=new_street)):
        raise PermissionDenied(_("You may only move officers to your own street."))
    if new_street != officer.street_id and db.session.scalar(
        sa.select(Posting.id).where(Posting.officer_id == officer.id, Posting.overlapping(today(), None)).limit(1)
    ):
        raise DomainError(street_move_refusal(), field="street_id")
    _raise_first(profile_errors({**values}, exclude_id=officer.id))
    if idcard.parse(values["id_number"]).value != officer.id_number:
        raise DomainError(id_change_refusal(), field="id_number")
    if values.get("status") == "left" and officer.status != "left":
        _end_open_postings(officer, today())
    _apply(officer, values)
    db.session.flush()
    return officer


def correct_id_number(officer: Officer, new_number: str, *, reason: str, acting) -> Officer:
    """Correct a wrongly recorded ID number: only by HR who may reveal it, with a reason, logged
    (the update's before/after masked, and a 'correct_id' event carrying the reason). Birth date
    and sex follow the number. Imports and the edit form never change it."""
    if not (can_edit_officer(acting, officer) and can_reveal_id_number(acting, officer)):
        raise PermissionDenied(_("You may not correct this ID number."))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(_("Give the reason for the correction (at least 4 characters)."), field="reason")
    try:
        parsed = idcard.parse(new_number)
    except idcard.InvalidIdNumber as error:
        raise DomainError(_(str(error)), field="id_number") from None
    if parsed.value == officer.id_number:
        raise DomainError(_("This is the number already recorded."), field="id_number")
    values = {field: getattr(officer, field) for field in PROFILE_FIELDS if field != "sex"}
    errors = profile_errors({**values, "id_number": parsed.value}, exclude_id=officer.id)
    _raise_first([(field, message) for field, message in errors if field in ("id_number", "hire_date")])
    officer.id_number = parsed.value
    officer.birth_date = parsed.birth_date
    officer.sex = parsed.sex
    log_read(
        "officers",
        officer.id,
        action="correct_id",
        officer_id=officer.id,
        detail={"field": "id_number", "reason": reason},
        actor=acting,
    )
    db.session.flush()
    return officer


def deactivate(officer: Officer, *, on: dt.date, acting) -> Officer:
    """An officer leaves (离职): status 'left' and open postings end on `on`. Nothing is deleted."""
    if not can_edit_officer(acting, officer):
        raise PermissionDenied(_("You may not edit this officer."))
    if officer.status == "left":
        raise DomainError(_("This officer has already left."))
    _end_open_postings(officer, on)
    officer.status = "left"
    db.session.flush()
    return officer


def _end_open_postings(officer: Officer, on: dt.date) -> None:
    for posting in db.session.scalars(
        sa.select(Posting).where(Posting.officer_id == officer.id, Posting.overlapping(on, None))
    ):
        if posting.effective_from >= on:
            raise DomainError(_("A posting starts on or after the leaving date; end or correct it first."))
        posting.effective_to = on


def reveal_id_number(officer: Officer, *, acting, via: str | None = None) -> str:
    """The unmasked number, for those allowed; every reveal is written to the audit trail (`via`
    names a way other than the profile's button, such as an export)."""
    if not can_reveal_id_number(acting, officer):
        raise PermissionDenied(_("You may not see this ID number."))
    detail = {"field": "id_number", **({"via": via} if via else {})}
    log_read("officers", officer.id, action="reveal_id", officer_id=officer.id, detail=detail, actor=acting)
    return officer.id_number


# --- postings ---------------------------------------------------------------------------------


def post_to_grid(officer: Officer, grid: Grid, *, start: dt.date, acting, note: str = "") -> Posting:
    """Post `officer` to `grid` from `start` as their primary grid. Their current primary posting
    ends the day the new one starts; the grid must be free from `start` on."""
    if not can_edit_officer(acting, officer):
        raise PermissionDenied(_("You may not edit this officer."))
    if officer.status == "left":
        raise DomainError(_("An officer who has left cannot be posted."))
    if not grid.active:
        raise DomainError(_("Grid %(code)s is not in use.", code=grid.code), field="grid_id")
    street_id = db.session.scalar(sa.select(Community.street_id).where(Community.id == grid.community_id))
    if street_id != officer.street_id:
        raise DomainError(_("The grid belongs to another street than the officer's."), field="grid_id")
    if start < officer.hire_date:
        raise DomainError(_("A posting cannot start before the hire date."), field="start")

    holder = db.session.scalar(
        sa.select(Posting)
        .where(Posting.grid_id == grid.id, Posting.is_primary.is_(True), Posting.officer_id != officer.id)
        .where(Posting.overlapping(start, None))
        .order_by(Posting.effective_from)
        .limit(1)
    )
    if holder is not None:
        raise Conflict(
            _(
                "One grid, one officer: grid %(grid)s is served by %(name)s (%(no)s) from %(since)s. "
                "End that posting first.",
                grid=grid.code,
                name=holder.officer.name,
                no=holder.officer.employee_no,
                since=holder.effective_from.isoformat(),
            ),
            field="grid_id",
        )
    own = db.session.scalars(
        sa.select(Posting)
        .where(Posting.officer_id == officer.id, Posting.is_primary.is_(True))
        .where(Posting.overlapping(start, None))
    ).all()
    for posting in own:
        if posting.effective_from >= start:
            raise Conflict(
                _(
                    "This officer already has a posting from %(date)s; correct that one instead.",
                    date=posting.effective_from.isoformat(),
                ),
                field="start",
            )
        if posting.grid_id == grid.id:
            raise Conflict(_("The officer already serves this grid."), field="grid_id")
        posting.effective_to = start
    db.session.flush()
    posting = Posting(officer_id=officer.id, grid_id=grid.id, effective_from=start, note=note or "")
    db.session.add(posting)
    db.session.flush()
    return posting


def end_posting(posting: Posting, *, end: dt.date, acting) -> Posting:
    if not can_edit_officer(acting, posting.officer):
        raise PermissionDenied(_("You may not edit this officer."))
    if posting.effective_to is not None and posting.effective_to <= end:
        raise DomainError(_("This posting has already ended."))
    if end <= posting.effective_from:
        raise DomainError(_("A posting must end after it starts."), field="end")
    posting.effective_to = end
    db.session.flush()
    return posting
