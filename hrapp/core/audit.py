"""Append-only audit trail.

A session listener records every insert, update and delete of a model that inherits `Audited`:
who, when, which row, and the changed fields before/after. Reads that must be accounted for
(unmasked ID numbers, integrity records) are logged explicitly with `log_read`. Audit rows are
never updated or deleted: the listener refuses a flush that tries.

People read the trail through `core/audit_display.py`, which shows records and fields by their
labels, codes by their translated labels, ids by names, times in Asia/Shanghai, with a link to the
record. Every audited model declares that itself, next to its columns (`__audit_label__`,
`__audit_fields__` for every recorded column, and as needed `__audit_choices__`, `__audit_title__`,
`__audit_link__`: see `Audited`); a new audited model in any domain does the same, and a test fails
until it does.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import enum

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from hrapp.core.db import utcnow
from hrapp.core.idcard import mask
from hrapp.extensions import db

_actor: contextvars.ContextVar[tuple[int | None, str] | None] = contextvars.ContextVar("audit_actor", default=None)


# Bookkeeping columns: the event's own time says when; recording them would only add noise.
_ALWAYS_EXCLUDED = frozenset({"created_at", "updated_at"})


class Audited:
    """Marker mixin. Class attributes tune what is recorded:

    __audit_exclude__: attribute names never written to the trail (password hashes);
    __audit_masked__: attribute names written masked (ID numbers: the trail is not a way round masking);
    __audit_officer__: attribute holding the officer the row belongs to, so a profile can show its
    own history across tables.

    …and how the trail reads (`core/audit_display.py`; the stored rows keep column names and raw
    values). Declare them next to the columns, in the model's own domain:

    __audit_label__: what the record is, for people ("晋级案件": `_l("Promotion case")`);
    __audit_fields__: a label for EVERY recorded column (`{"status": _l("Status"), …}`);
        tests/core/test_audit_display.py fails on a recorded column without one, so a new column
        or a new audited model in any domain must bring its labels;
    __audit_choices__: coded columns → {code: label}, the same dict the pages use
        (`{"status": CASE_STATUSES}`); foreign keys need nothing: their ids are shown by the
        referenced model's title, looked up in batch;
    __audit_title__: attribute (column or property, dotted through a joined relationship) naming a
        row of this model where it is shown or referred to ("name", "label", "grid.name"); None
        shows "#id";
    __audit_link__: where the record's page is: `record_page("certification.case_detail",
        "case_id")` (the record's id fills that URL argument) or `officer_page("officers.profile")`
        for rows shown on their officer's pages, `list_page("certification.rule_sets")` for a page
        listing them all, or any function (record_id, officer_id) → (endpoint, url values) or None;
        None: no link.
    """

    __audit_exclude__: frozenset[str] = frozenset()
    __audit_masked__: frozenset[str] = frozenset()
    __audit_officer__: str | None = None
    __audit_label__ = None
    __audit_fields__: dict = {}
    __audit_choices__: dict = {}
    __audit_title__: str | None = None
    __audit_link__ = None


def record_page(endpoint: str, argument: str):
    """`__audit_link__` for a record with a page of its own, addressed by its id."""
    return lambda record_id, officer_id: (endpoint, {argument: record_id}) if record_id is not None else None


def list_page(endpoint: str):
    """`__audit_link__` for records shown on one page that lists them all."""
    return lambda record_id, officer_id: (endpoint, {})


def officer_page(endpoint: str, argument: str = "officer_id"):
    """`__audit_link__` for a record shown on a page of the officer it belongs to."""
    return lambda record_id, officer_id: (endpoint, {argument: officer_id}) if officer_id is not None else None


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_name: Mapped[str] = mapped_column(sa.String(80))
    entity: Mapped[str] = mapped_column(sa.String(60), index=True)
    entity_id: Mapped[str] = mapped_column(sa.String(40))
    action: Mapped[str] = mapped_column(sa.String(20))
    officer_id: Mapped[int | None] = mapped_column(index=True)
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    __table_args__ = (sa.Index("ix_audit_events_entity_entity_id", "entity", "entity_id"),)


def set_actor(user_id: int | None, name: str):
    """Name who acts for the rest of this context (a CLI command, a job). Returns a reset token."""
    return _actor.set((user_id, name))


def reset_actor(token) -> None:
    _actor.reset(token)


def current_actor() -> tuple[int | None, str]:
    explicit = _actor.get()
    if explicit is not None:
        return explicit
    try:
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.username
    except RuntimeError:  # outside a request
        pass
    return None, "system"


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _officer_of(obj) -> int | None:
    attr = type(obj).__audit_officer__
    return getattr(obj, attr, None) if attr else None


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    excluded = type(obj).__audit_exclude__ | _ALWAYS_EXCLUDED
    masked = type(obj).__audit_masked__
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in excluded:
            continue
        history = state.attrs[key].history
        if action == "create":
            value = getattr(obj, key)
            if value is not None:
                changes[key] = [None, _plain(value)]
        elif action == "delete":
            value = history.unchanged[0] if history.unchanged else (history.deleted[0] if history.deleted else None)
            changes[key] = [_plain(value), None]
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changes[key] = [_plain(before), _plain(after)]
    for key in masked.intersection(changes):
        changes[key] = [mask(value) if value else value for value in changes[key]]
    return changes


def _event_row(obj, action: str, changes: dict) -> dict:
    actor_id, actor_name = current_actor()
    # A row inserted by this flush has no identity key until the flush ends: read its primary key.
    state = inspect(obj)
    identity = state.identity or state.mapper.primary_key_from_instance(obj)
    return {
        "occurred_at": utcnow(),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "entity": obj.__tablename__,
        "entity_id": ",".join(str(part) for part in identity) if identity else "",
        "action": action,
        "officer_id": _officer_of(obj),
        "changes": changes,
    }


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise RuntimeError("Audit events are append-only.")
    # Snapshot changes now: after the flush, attribute history is reset. Start afresh: a previous
    # flush that failed (and was rolled back) must not leave its changes to be logged by this one.
    pending = session.info["audit_pending"] = []
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            changes = _changes(obj, "update")
            if changes:
                pending.append((obj, "update", changes))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            pending.append((obj, "delete", _changes(obj, "delete")))
    session.info["audit_new"] = [obj for obj in session.new if isinstance(obj, Audited)]


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_rewrites(orm_execute_state) -> None:
    """`session.execute(update(AuditEvent))` bypasses the flush; refuse it too."""
    if (orm_execute_state.is_update or orm_execute_state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in orm_execute_state.all_mappers
    ):
        raise RuntimeError("Audit events are append-only.")


@event.listens_for(Session, "after_flush")
def _write_audit_rows(session: Session, flush_context) -> None:
    rows = [_event_row(obj, action, changes) for obj, action, changes in session.info.pop("audit_pending", [])]
    rows += [_event_row(obj, "create", _changes(obj, "create")) for obj in session.info.pop("audit_new", [])]
    if rows:
        session.connection().execute(sa.insert(AuditEvent), rows)


def log_read(
    entity: str,
    entity_id,
    action: str = "read",
    officer_id: int | None = None,
    detail: dict | None = None,
    actor=None,
):
    """Record that someone looked at a sensitive record. Added to the session; the caller commits.
    `actor` is the user who read it (a service knows; otherwise the current actor)."""
    actor_id, actor_name = (actor.id, actor.username) if actor is not None else current_actor()
    db.session.add(
        AuditEvent(
            actor_id=actor_id,
            actor_name=actor_name,
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            officer_id=officer_id,
            changes=detail or {},
        )
    )
