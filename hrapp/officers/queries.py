"""Read side of officers: the scoped directory and current postings, in a fixed number of queries."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from hrapp.core import idcard
from hrapp.core.audit import log_read
from hrapp.core.permissions import can_edit_officer, id_reveal_scope, officer_scope, street_scope
from hrapp.extensions import db
from hrapp.officers import hooks
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Community, Grid, Street

# The directory's sortable columns. Only these keys reach the ORDER BY (never the user's text),
# and none of them is a masked value: sorting by ID number would reveal the hidden digits' order.
SORT_KEYS = ("name", "employee_no", "street", "tier", "hire_date")


@dataclasses.dataclass
class DirectoryFilter:
    q: str = ""
    street_id: int | None = None
    community_id: int | None = None
    status: str = ""
    sort: str = ""  # a key of SORT_KEYS, '-' in front for descending

    @classmethod
    def from_args(cls, args) -> DirectoryFilter:
        sort = args.get("sort") or ""
        return cls(
            q=(args.get("q") or "").strip(),
            street_id=args.get("street_id", type=int) or None,
            community_id=args.get("community_id", type=int) or None,
            status=args.get("status") or "",
            sort=sort if sort.removeprefix("-") in SORT_KEYS else "",
        )

    def as_args(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if v}


def scoped_officers(user):
    """Every officer lookup starts here so scoping cannot be forgotten."""
    return sa.select(Officer).where(officer_scope(user, Officer))


def get_visible_officer(user, officer_id: int) -> Officer | None:
    return db.session.scalar(scoped_officers(user).where(Officer.id == officer_id))


def visible_officer_or_404(user, officer_id: int) -> Officer:
    """For views: 404 both for a missing officer and for one outside the user's scope, so an id
    probe cannot tell the two apart."""
    officer = get_visible_officer(user, officer_id)
    if officer is None:
        abort(404)
    return officer


def editable_officer_or_403(user, officer_id: int) -> Officer:
    """For views: the officer if this user may change their records; 404 out of scope, 403 read-only."""
    officer = visible_officer_or_404(user, officer_id)
    if not can_edit_officer(user, officer):
        abort(403)
    return officer


def _current_posting_condition(on: dt.date):
    return sa.and_(Posting.is_primary.is_(True), Posting.valid_on(on))


# The directory shows an ID number's last four characters; a search may match those and no more.
SHOWN_ID_SUFFIX = 4


def _id_search_condition(user, q: str):
    """Search reveals no more of an ID number than the page shows: up to the last four characters
    (shown to everyone who sees the row), or a whole number typed exactly, and that only for the
    officers whose number this user may reveal (the caller logs each match as a reveal). A longer
    suffix would let a user confirm one hidden digit at a time."""
    text = idcard.normalise(q)
    if not text or not text.isascii() or not all(char.isdigit() or char == "X" for char in text):
        return None
    if len(text) <= SHOWN_ID_SUFFIX:
        return Officer.id_number.endswith(text, autoescape=True)
    if len(text) == 18:
        return sa.and_(Officer.id_number == text, id_reveal_scope(user, Officer))
    return None


def is_full_id_search(filters: DirectoryFilter) -> bool:
    text = idcard.normalise(filters.q)
    return len(text) == 18 and text.isascii()


def log_id_search_matches(user, filters: DirectoryFilter, officers) -> bool:
    """A search on a whole ID number that finds an officer tells the user that officer's number:
    log it as a reveal, like the profile's 'Show' button. The caller commits."""
    if not is_full_id_search(filters):
        return False
    wanted = idcard.normalise(filters.q)
    logged = False
    for officer in officers:
        if officer.id_number == wanted:
            logged = True
            log_read(
                "officers",
                officer.id,
                action="reveal_id",
                officer_id=officer.id,
                detail={"field": "id_number", "via": "search"},
                actor=user,
            )
    return logged


def directory(user, filters: DirectoryFilter, on: dt.date):
    """The directory statement: scoped, searched (name, employee no., shown ID suffix) and filtered."""
    stmt = scoped_officers(user).options(joinedload(Officer.street))
    if filters.q:
        q = filters.q
        conditions = [Officer.name.contains(q, autoescape=True), Officer.employee_no.startswith(q, autoescape=True)]
        id_condition = _id_search_condition(user, q)
        if id_condition is not None:
            conditions.append(id_condition)
        stmt = stmt.where(sa.or_(*conditions))
    if filters.street_id:
        stmt = stmt.where(Officer.street_id == filters.street_id)
    if filters.community_id:
        # Uncorrelated IN: the community's few postings are found once through the grid index,
        # where a correlated EXISTS probed postings for every officer of the district.
        in_community = (
            sa.select(Posting.officer_id)
            .join(Grid, Grid.id == Posting.grid_id)
            .where(Grid.community_id == filters.community_id, _current_posting_condition(on))
        )
        stmt = stmt.where(Officer.id.in_(in_community))
    if filters.status:
        stmt = stmt.where(Officer.status == filters.status)
    return _sorted(stmt, filters.sort, on)


def _sorted(stmt, sort: str, on: dt.date):
    """Order by a whitelisted column, then by id so equal values keep a stable order across pages.
    The tier comes from the domain that owns tiers (`hooks.tier_source`), joined set-based."""
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    columns = {
        "name": [Officer.name],
        "employee_no": [Officer.employee_no],
        "hire_date": [Officer.hire_date],
    }.get(key)
    if key == "street":
        stmt = stmt.join(Street, Street.id == Officer.street_id)
        columns = [Street.code]
    elif key == "tier" and (source := hooks.tier_source()) is not None:
        tiers = source.current(on).subquery("current_tier")
        stmt = stmt.outerjoin(tiers, tiers.c.officer_id == Officer.id)
        # No tier on record sorts below the lowest tier.
        columns = [sa.func.coalesce(tiers.c.ordinal, -1), sa.func.coalesce(tiers.c.step, 0)]
    if columns is None:
        return stmt.order_by(Officer.employee_no, Officer.id)
    return stmt.order_by(*(column.desc() if descending else column for column in columns), Officer.id)


def current_tiers(officer_ids: list[int], on: dt.date) -> dict[int, str]:
    """Officer id → their tier and step on `on`, labelled: one query (none without a tier source)."""
    source = hooks.tier_source()
    if source is None or not officer_ids:
        return {}
    tiers = source.current(on).subquery("current_tier")
    rows = db.session.execute(
        sa.select(tiers.c.officer_id, tiers.c.code, tiers.c.step).where(tiers.c.officer_id.in_(officer_ids))
    )
    labels: dict[str, str] = {}  # each tier's label translated once, not once per row
    result = {}
    for officer_id, code, step in rows:
        label = labels.get(code)
        if label is None:
            label = labels[code] = source.label(code)
        result[officer_id] = f"{label} · {step}"
    return result


def current_grids(officer_ids: list[int], on: dt.date) -> dict[int, sa.Row]:
    """Officer id → (grid_code, community) of their primary posting on `on`: one query of the two
    columns a list shows, without loading postings, grids and communities as objects."""
    if not officer_ids:
        return {}
    rows = db.session.execute(
        sa.select(Posting.officer_id, Grid.code.label("grid_code"), Community.name.label("community"))
        .join(Grid, Grid.id == Posting.grid_id)
        .join(Community, Community.id == Grid.community_id)
        .where(Posting.officer_id.in_(officer_ids), _current_posting_condition(on))
    )
    return {row.officer_id: row for row in rows}


def current_postings(officer_ids: list[int], on: dt.date) -> dict[int, Posting]:
    """Officer id → their primary posting on `on`, with grid, community and street: one query."""
    if not officer_ids:
        return {}
    rows = db.session.scalars(
        sa.select(Posting)
        .options(joinedload(Posting.grid).joinedload(Grid.community))
        .where(Posting.officer_id.in_(officer_ids), _current_posting_condition(on))
    ).all()
    return {posting.officer_id: posting for posting in rows}


def posting_history(officer_id: int) -> list[Posting]:
    return db.session.scalars(
        sa.select(Posting)
        .options(joinedload(Posting.grid).joinedload(Grid.community))
        .where(Posting.officer_id == officer_id)
        .order_by(Posting.effective_from.desc())
    ).all()


def grid_occupancy(user, on: dt.date, street_id: int | None = None, vacant_only: bool = False):
    """Each grid with the officer serving it on `on` (or none): the 'one grid, one officer' board."""
    stmt = (
        sa.select(Grid, Community, Posting, Officer)
        .join(Community, Community.id == Grid.community_id)
        .outerjoin(Posting, sa.and_(Posting.grid_id == Grid.id, _current_posting_condition(on)))
        .outerjoin(Officer, Officer.id == Posting.officer_id)
        .where(Grid.active.is_(True), street_scope(user, Community.street_id))
        .order_by(Grid.code)
    )
    if street_id:
        stmt = stmt.where(Community.street_id == street_id)
    if vacant_only:
        stmt = stmt.where(Posting.id.is_(None))
    return stmt


def street_choices(user) -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(Street.id, Street.name).where(street_scope(user, Street.id)).order_by(Street.code)
    )
    return [(row.id, row.name) for row in rows]


def community_choices(user, street_id: int | None = None) -> list[tuple[int, str]]:
    stmt = (
        sa.select(Community.id, Community.name).where(street_scope(user, Community.street_id)).order_by(Community.code)
    )
    if street_id:
        stmt = stmt.where(Community.street_id == street_id)
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def export_rows(user, filters: DirectoryFilter, on: dt.date, batch: int = 1000):
    """Stream the filtered directory for export in batches: officers plus their current grid."""
    stmt = directory(user, filters, on)
    offset = 0
    while True:
        officers = db.session.scalars(stmt.limit(batch).offset(offset)).all()
        if not officers:
            return
        postings = current_postings([o.id for o in officers], on)
        log_id_search_matches(user, filters, officers)
        for officer in officers:
            yield officer, postings.get(officer.id)
        offset += batch


def street_grid_choices(street_id: int, on: dt.date, vacant_only: bool) -> list[tuple[int, str]]:
    """Grids of a street in use (only those without a primary posting on `on`, if vacant_only)."""
    stmt = (
        sa.select(Grid.id, Grid.code, Grid.name)
        .join(Community, Community.id == Grid.community_id)
        .where(Community.street_id == street_id, Grid.active.is_(True))
        .order_by(Grid.code)
    )
    if vacant_only:
        stmt = stmt.where(Grid.id.not_in(sa.select(Posting.grid_id).where(_current_posting_condition(on))))
    rows = db.session.execute(stmt)
    return [(row.id, f"{row.code} {row.name}") for row in rows]
