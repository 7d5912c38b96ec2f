"""Issuing assessments: one from its page, thousands from `flask assessments issue` or a worker.

The parent process reads what each certificate shows, chunk by chunk and set-based (plain sheets);
a pool of processes, one per core, renders the PDF bytes (pure functions, no database); the parent
writes each file atomically (temporary file, fsync, rename), syncs the directory once per chunk and
only then records the chunk — status issued, the document with its SHA-256 and code, the annual
result — in one transaction. Rendering of the next chunks overlaps the writing of this one.

Crash safety: a document is recorded only once its file is durable, and an attempt that fails
before its commit removes the files it wrote, so nothing ever refers to a missing or partial file.
A hard crash between rename and commit can leave complete files nothing refers to (each named by
its own code); the next run issues those assessments again. Resumable: only assessments not yet
issued are selected, and one changed since it was read (a review meanwhile) is left for the next run.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import hashlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from hrapp.assessments import documents, sources
from hrapp.assessments.models import Assessment, AssessmentDocument
from hrapp.assessments.pdf import render_many, warm
from hrapp.core.audit import current_actor
from hrapp.core.db import utcnow
from hrapp.extensions import db

log = logging.getLogger(__name__)

CHUNK = 40  # documents per transaction and per task handed to a worker process
ISSUABLE = ("draft", "reviewed")
WRITERS = 8  # threads writing a chunk's files


@dataclasses.dataclass
class Prepared:
    """A chunk read and ready to render: the sheets go to a worker, the rest stays for recording."""

    ids: list[int]
    stamps: dict[int, dt.datetime]
    paths: dict[int, Path]
    codes: dict[int, str]
    issued_at: dt.datetime
    sheets: list


class _Done:
    """A rendering done in this process, answering like a future."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def prepare(ids: list[int]) -> Prepared:
    assessments = list(
        db.session.scalars(
            sa.select(Assessment).where(Assessment.id.in_(ids), Assessment.status.in_(ISSUABLE)).order_by(Assessment.id)
        )
    )
    now = utcnow()
    codes = {a.id: documents.new_code() for a in assessments}
    return Prepared(
        ids=[a.id for a in assessments],
        stamps={a.id: a.updated_at for a in assessments},
        paths={a.id: documents.archive_path(a, codes[a.id]) for a in assessments},
        codes=codes,
        issued_at=now,
        sheets=documents.sheets_for(assessments, codes, now),
    )


def record(prepared: Prepared, rendered: list[bytes], reports_dir: str) -> tuple[int, list[Path]]:
    """Write the chunk's files, make them durable, then record the documents (flushed, not committed).
    Returns how many were issued and the files written; on any error the files are removed."""
    from hrapp.assessments.services import period_kind

    written = [Path(reports_dir) / prepared.paths[assessment_id] for assessment_id in prepared.ids]
    try:
        # Threads: an fsync waits on the disk, not the processor, and the waits overlap.
        with concurrent.futures.ThreadPoolExecutor(WRITERS) as writers:
            for done in [
                writers.submit(documents.write_atomically, path, data, sync_directory=False)
                for path, data in zip(written, rendered, strict=True)
            ]:
                done.result()
        documents.sync_directories({path.parent for path in written})
        actor = current_actor()[1]
        current = {a.id: a for a in db.session.scalars(sa.select(Assessment).where(Assessment.id.in_(prepared.ids)))}
        issued = 0
        for assessment_id, data, path in zip(prepared.ids, rendered, written, strict=True):
            assessment = current.get(assessment_id)
            if (
                assessment is None
                or assessment.status not in ISSUABLE
                or assessment.updated_at != prepared.stamps[assessment_id]
            ):
                path.unlink(missing_ok=True)  # issued or changed meanwhile: the next run reads it afresh
                continue
            assessment.status = "issued"
            assessment.issued_by = actor
            assessment.issued_at = prepared.issued_at
            db.session.add(
                AssessmentDocument(
                    assessment=assessment,
                    code=prepared.codes[assessment_id],
                    path=str(prepared.paths[assessment_id]),
                    sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data),
                    issued_at=prepared.issued_at,
                )
            )
            if period_kind(assessment.period) == "year":
                sources.record_annual_result(
                    assessment.officer_id,
                    int(assessment.period),
                    assessment.grade,
                    f"考核 {assessment.period} v{assessment.version}",
                )
            issued += 1
        db.session.flush()
        return issued, written
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def issue_one(assessment: Assessment, *, reports_dir: str, font_path: str | None = None) -> bool:
    """Issue one assessment in this process (flushed; the caller commits)."""
    db.session.flush()
    prepared = prepare([assessment.id])
    issued, _written = record(prepared, render_many(prepared.sheets, font_path), reports_dir)
    return issued == 1


def _pool(workers: int, font_path: str | None) -> concurrent.futures.ProcessPoolExecutor | None:
    """Worker processes started fresh ('spawn'): they import only the PDF code, not the app, its
    database connections or the parent's threads."""
    try:
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=warm,
            initargs=(font_path,),
        )
    except (OSError, AssertionError, ValueError):  # e.g. a daemonic process may not have children
        log.warning("no worker processes for rendering; rendering in this process", exc_info=True)
        return None


@contextlib.contextmanager
def render_pool(workers: int, font_path: str | None = None):
    """A pool kept across several `issue_many` calls (the periods of a year, one after the other);
    None with one worker."""
    pool = _pool(workers, font_path) if workers > 1 else None
    try:
        yield pool
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def worker_count(configured: int | None) -> int:
    return max(1, configured or os.cpu_count() or 1)


def issue_many(
    ids: list[int],
    *,
    reports_dir: str,
    font_path: str | None = None,
    workers: int = 1,
    chunk: int = CHUNK,
    advance: Callable[[int], None] = lambda n: None,
    pool: concurrent.futures.ProcessPoolExecutor | None = None,
) -> int:
    """Issue the assessments `ids`, chunk by chunk; `advance(n)` is called after each chunk is
    recorded and must commit it (the task's progress does). With `workers` > 1 and more than one
    chunk, a process pool renders (`pool`, if given, is used and left open); otherwise this process
    does. Returns how many were issued."""
    chunks = [ids[offset : offset + chunk] for offset in range(0, len(ids), chunk)]
    owned = _pool(workers, font_path) if pool is None and workers > 1 and len(chunks) > 1 else None
    pool = pool or owned
    in_flight = 2 * max(workers, getattr(pool, "_max_workers", 1)) if pool else 0
    queue: collections.deque = collections.deque()
    issued = 0

    def settle() -> None:
        nonlocal issued
        size, prepared, future = queue.popleft()
        count, written = record(prepared, future.result(), reports_dir)
        try:
            advance(size)
        except BaseException:
            db.session.rollback()
            for path in written:
                path.unlink(missing_ok=True)
            raise
        issued += count

    try:
        for ids_of_chunk in chunks:
            prepared = prepare(ids_of_chunk)
            future = None
            if pool is not None:
                try:
                    future = pool.submit(render_many, prepared.sheets, font_path)
                except (AssertionError, OSError, RuntimeError):  # processes start on the first submit
                    log.warning("worker processes could not start; rendering in this process", exc_info=True)
                    pool, in_flight = None, 0
            if future is None:
                future = _Done(render_many(prepared.sheets, font_path))
            queue.append((len(ids_of_chunk), prepared, future))
            while len(queue) > in_flight:
                settle()
        while queue:
            settle()
    finally:
        if owned is not None:
            owned.shutdown(wait=True, cancel_futures=True)
    return issued
