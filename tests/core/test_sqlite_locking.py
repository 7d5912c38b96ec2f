"""SQLite under concurrent writers: a transaction that stages into a temporary table, reads the
database and then writes (the staged import) must wait for the write lock, not fail with
'database is locked' because another connection committed between its read and its write."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from hrapp.core.db import lock_for_writing, metadata


def _engine(path):
    engine = sa.create_engine(f"sqlite:///{path}")  # the pragmas come from hrapp.core.db's listener
    metadata.tables["job_locks"].create(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE cases (id INTEGER PRIMARY KEY, n INTEGER)")
    return engine


def _stage_read_write(engine, lock: bool, other_writer) -> None:
    """Temp table first (as the staged import does), then read, then (maybe) another connection
    commits, then write."""
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TEMP TABLE staging (n INTEGER)")
        connection.exec_driver_sql("INSERT INTO staging VALUES (1)")
        if lock:
            lock_for_writing(connection)
        connection.exec_driver_sql("SELECT count(*) FROM cases").scalar()
        other_writer()
        connection.exec_driver_sql("INSERT INTO cases (n) SELECT n FROM staging")
        connection.commit()


def test_the_connection_pragmas_suit_concurrent_writers(tmp_path):
    engine = _engine(tmp_path / "pragmas.sqlite")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_without_the_lock_a_commit_in_between_makes_the_write_fail(tmp_path):
    engine = _engine(tmp_path / "unlocked.sqlite")

    def other_writer():
        with engine.begin() as other:
            other.exec_driver_sql("INSERT INTO cases (n) VALUES (2)")

    with pytest.raises(sa.exc.OperationalError, match="database is locked"):
        _stage_read_write(engine, lock=False, other_writer=other_writer)


def test_with_the_lock_the_other_writer_waits_and_both_succeed(tmp_path):
    engine = _engine(tmp_path / "locked.sqlite")
    finished = threading.Event()
    errors: list[Exception] = []

    def write_in_thread():
        try:
            with engine.begin() as other:
                other.exec_driver_sql("INSERT INTO cases (n) VALUES (2)")
        except Exception as error:  # reported below
            errors.append(error)
        finished.set()

    def other_writer():
        threading.Thread(target=write_in_thread).start()
        assert not finished.wait(0.3), "the other writer should wait for the lock"

    _stage_read_write(engine, lock=True, other_writer=other_writer)
    assert finished.wait(10)
    assert errors == []
    with engine.connect() as connection:
        assert sorted(connection.exec_driver_sql("SELECT n FROM cases").scalars()) == [1, 2]
