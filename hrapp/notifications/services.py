"""Creating and reading notifications."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from hrapp.auth.models import User
from hrapp.core.db import utcnow
from hrapp.core.permissions import Role
from hrapp.extensions import db
from hrapp.notifications.models import Notification


def _insert_ignoring_duplicates(rows: list[dict]) -> int:
    """One statement for the batch; a (user, key) pair already stored is left as it is, which makes
    a re-run of a reminder job change nothing."""
    if not rows:
        return 0
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # RETURNING counts what was stored on both dialects (an executemany's rowcount is not reliable).
    statement = (
        insert(Notification).on_conflict_do_nothing(index_elements=["user_id", "key"]).returning(Notification.id)
    )
    return len(db.session.connection().execute(statement, rows).all())


def notify(
    user_ids: Iterable[int],
    *,
    kind: str,
    message: str,
    params: dict | None = None,
    link: str | None = None,
    key: str | None = None,
) -> int:
    """Tell each user once (per `key`, when given). `message` is an msgid marked with N_; it is
    translated when shown. Returns the number of notifications created."""
    now = utcnow()
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "message": message,
            "params": params or {},
            "link": link,
            "key": key,
            "created_at": now,
        }
        for user_id in sorted(set(user_ids))
    ]
    created = _insert_ignoring_duplicates(rows)
    db.session.flush()
    return created


def hr_recipients(street_id: int | None) -> list[int]:
    """Active HR clerks responsible for a street: those scoped to it and the district-wide ones."""
    condition = User.street_id.is_(None)
    if street_id is not None:
        condition = sa.or_(condition, User.street_id == street_id)
    return list(
        db.session.scalars(sa.select(User.id).where(User.role == Role.HR_CLERK, User.active.is_(True), condition))
    )


def officer_accounts(officer_ids: Iterable[int]) -> dict[int, list[int]]:
    """Officer id → their own active account (as a list, empty when they have none), in one query."""
    ids = sorted(set(officer_ids))
    accounts: dict[int, list[int]] = {officer_id: [] for officer_id in ids}
    if ids:
        rows = db.session.execute(
            sa.select(User.officer_id, User.id).where(User.officer_id.in_(ids), User.active.is_(True))
        )
        for officer_id, user_id in rows:
            accounts[officer_id].append(user_id)
    return accounts


def unread_count(user) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def for_user(user, *, unread_only: bool = False):
    """The user's own notifications, newest first (a select to paginate)."""
    stmt = sa.select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())


def mark_read(user, notification_id: int) -> Notification | None:
    """Mark one of the user's own notifications read; someone else's is 'not found'."""
    notification = db.session.scalar(
        sa.select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id)
    )
    if notification is not None and notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.flush()
    return result.rowcount or 0
