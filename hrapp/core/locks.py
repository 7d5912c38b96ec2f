"""A lease row per job name, so that only one scheduler process runs a job at a time.

Portable (a conditional UPDATE, then an INSERT that the primary key makes exclusive); a lease
expires after `ttl` so a crashed process does not block a job for ever.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from hrapp.core.db import utcnow
from hrapp.extensions import db


class JobLock(db.Model):
    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(120))
    locked_until: Mapped[dt.datetime]


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire(name: str, ttl: dt.timedelta) -> bool:
    now = utcnow()
    result = db.session.execute(
        sa.update(JobLock)
        .where(JobLock.name == name, JobLock.locked_until < now)
        .values(holder=_holder(), locked_until=now + ttl)
    )
    if result.rowcount:
        db.session.commit()
        return True
    try:
        db.session.add(JobLock(name=name, holder=_holder(), locked_until=now + ttl))
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def release(name: str) -> None:
    db.session.execute(
        sa.update(JobLock).where(JobLock.name == name, JobLock.holder == _holder()).values(locked_until=utcnow())
    )
    db.session.commit()


@contextlib.contextmanager
def job_lock(name: str, ttl: dt.timedelta = dt.timedelta(hours=1)):
    acquired = acquire(name, ttl)
    try:
        yield acquired
    finally:
        if acquired:
            release(name)


def renew(name: str, ttl: dt.timedelta) -> None:
    """Extend a lease this process holds (long work reports progress, and with it, that it lives)."""
    db.session.execute(
        sa.update(JobLock).where(JobLock.name == name, JobLock.holder == _holder()).values(locked_until=utcnow() + ttl)
    )
