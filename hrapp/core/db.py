"""Database conventions shared by every domain: constraint names, timestamps, effective dating."""

from __future__ import annotations

import datetime as dt
import sqlite3

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

# Named constraints make Alembic migrations reviewable and portable (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    """Naive UTC: every timestamp is stored in UTC and shown in Asia/Shanghai."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def today() -> dt.date:
    """The business date in Shanghai (a posting that starts 'today' starts on the local date)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EffectiveDatedMixin:
    """A row valid over [effective_from, effective_to); effective_to NULL means open-ended."""

    effective_from: Mapped[dt.date]
    effective_to: Mapped[dt.date | None]

    @declared_attr
    def effective_from(cls) -> Mapped[dt.date]:  # noqa: N805
        return mapped_column(sa.Date, nullable=False)

    @declared_attr
    def effective_to(cls) -> Mapped[dt.date | None]:  # noqa: N805
        return mapped_column(sa.Date, nullable=True)

    @classmethod
    def valid_on(cls, on: dt.date):
        """SQL condition: the row is in force on date `on`."""
        return sa.and_(cls.effective_from <= on, sa.or_(cls.effective_to.is_(None), cls.effective_to > on))

    @classmethod
    def overlapping(cls, start: dt.date, end: dt.date | None):
        """SQL condition: the row's period intersects [start, end)."""
        conditions = [sa.or_(cls.effective_to.is_(None), cls.effective_to > start)]
        if end is not None:
            conditions.append(cls.effective_from < end)
        return sa.and_(*conditions)


def periods_overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """Half-open periods [start, end) with None as 'open-ended'."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite enforces foreign keys only when asked, per connection; WAL lets readers and one
    writer work at once (ignored for in-memory databases). In WAL mode synchronous=NORMAL syncs the
    log at checkpoints rather than at every commit: a commit survives a crash of the application
    (not of the machine's power), and the one writer holds the lock for far less time. A writer
    waits up to busy_timeout for the lock before 'database is locked'."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()


SQLITE_BUSY_TIMEOUT_MS = 10_000


def lock_for_writing(connection: sa.Connection) -> None:
    """SQLite: take the database's write lock now, inside the connection's transaction, before
    reading what the transaction's writes depend on. A transaction that reads the database and only
    then writes fails at once with 'database is locked' when another connection committed in
    between (WAL keeps the snapshot of its first read; the busy timeout does not help); one that
    holds the lock first waits its turn instead. A delete of nothing still takes the lock.
    PostgreSQL locks rows as it writes them: nothing to do."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DELETE FROM job_locks WHERE 0")


def dialect_name() -> str:
    from hrapp.extensions import db

    return db.engine.dialect.name


def paginate_rows(stmt, *, page: int | None = None, per_page: int = 50):
    """Like db.paginate, for a select of several entities or columns: items are row tuples."""
    from flask import has_request_context
    from flask_sqlalchemy.pagination import SelectPagination

    from hrapp.core.http import page_args
    from hrapp.extensions import db

    if has_request_context():
        page, per_page = page_args(page, per_page)

    class RowPagination(SelectPagination):
        def _query_items(self) -> list:
            select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
            return list(self._query_args["session"].execute(select).all())

    return RowPagination(select=stmt, session=db.session(), page=page, per_page=per_page, error_out=False)


def days_between(start, end):
    """SQL expression: whole days from date `start` to date `end` (end exclusive), as an integer.
    The one dialect-specific date difference (SQLite has no date subtraction)."""
    from hrapp.extensions import db

    if db.engine.dialect.name == "sqlite":
        return sa.cast(sa.func.julianday(end) - sa.func.julianday(start), sa.Integer)
    return sa.cast(end, sa.Date) - sa.cast(start, sa.Date)


def day_after(day):
    """SQL expression: the date following `day` (an inclusive end turned into an exclusive one)."""
    from hrapp.extensions import db

    if db.engine.dialect.name == "sqlite":
        return sa.type_coerce(sa.func.date(day, "+1 day"), sa.Date)
    return sa.type_coerce(sa.cast(day, sa.Date) + 1, sa.Date)


def fen(amount):
    """SQL expression: a Numeric(12, 2) amount as integer fen. SQLite keeps NUMERIC values as
    binary numbers, so money is turned into exact integers before any arithmetic in SQL."""
    return sa.cast(sa.func.round(amount * 100), sa.BigInteger)
