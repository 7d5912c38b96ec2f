"""A list page against its floor: the same SQL statements, with the same parameters, replayed on
the raw DBAPI connection of the same engine, every row fetched. What the page spends above the floor
is Python: routing, session and user loading, ORM hydration, templates, headers."""

from __future__ import annotations

import contextlib
import statistics
import time

from sqlalchemy import event

from bench.results import Figure

PAGE_MAX_RATIO = 3.0


@contextlib.contextmanager
def captured_statements(engine):
    """(statement, parameters) of every cursor execution on `engine` while the block runs."""
    statements: list[tuple[str, object]] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def _summary(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def replay(engine, statements, repeat: int, cpu: list[float] | None = None) -> list[float]:
    """Milliseconds per replay of `statements` on one raw connection of `engine`: each executed
    with its parameters, every row fetched. A replay that writes (a page logging who read what)
    commits as the page does, so the floor pays the same durable write; one that only reads ends
    its transaction with a rollback."""
    raw = engine.raw_connection()
    writes = any(not statement.lstrip().upper().startswith(("SELECT", "WITH")) for statement, _ in statements)
    samples = []
    try:
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            cursor = raw.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            cursor.close()
            if writes:
                raw.commit()
            else:
                raw.rollback()
            samples.append((time.perf_counter() - started) * 1000)
            if cpu is not None:
                cpu.append((time.process_time() - started_cpu) * 1000)
    finally:
        raw.close()
    return samples


BUDGET_S = 8.0  # per page: heavy pages (seconds each) get fewer requests, at least MIN_REPEAT
MIN_REPEAT = 5


def page_figures(
    client, engine, label: str, url: str, repeat: int = 50, limit_ms: float | None = None, detail: str = ""
) -> list[Figure]:
    """Median and p95 of GET url (server side, in-process test client) beside its bare SQL: up to
    `repeat` requests each, fewer for a page that takes long (BUDGET_S of requests at most)."""
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    first = time.perf_counter() - started
    repeat = max(MIN_REPEAT, min(repeat, int(BUDGET_S / max(first, 1e-6))))
    with captured_statements(engine) as statements:
        response = client.get(url)
    assert response.status_code == 200
    pages, pages_cpu, floors_cpu = [], [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        pages.append((time.perf_counter() - started) * 1000)
        pages_cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    floors = replay(engine, statements, repeat, floors_cpu)
    page_median, page_p95 = _summary(pages)
    sql_median, sql_p95 = _summary(floors)
    # CPU time of this process (SQLite runs in it) says more than the wall clock on a shared machine.
    cpu_page, cpu_sql = statistics.median(pages_cpu), statistics.median(floors_cpu)
    cpu = f"CPU {cpu_page:.2f} ms vs {cpu_sql:.2f} ms" + (f" (×{cpu_page / cpu_sql:.1f})" if cpu_sql else "")
    note = f"{len(statements)} statements, n={repeat}, {cpu}" + (f"; {detail}" if detail else "")
    return [
        Figure(
            f"{label} median",
            round(page_median, 2),
            "ms",
            floor=round(sql_median, 3),
            max_ratio=PAGE_MAX_RATIO,
            limit=limit_ms,
            detail=note,
        ),
        Figure(f"{label} p95", round(page_p95, 2), "ms", floor=round(sql_p95, 3), max_ratio=PAGE_MAX_RATIO),
    ]


BATCH_MAX_RATIO = 2.0


def batch_figure(name: str, action, engine, repeat: int = 3, limit_s: float | None = None, detail: str = "") -> Figure:
    """Median seconds of `action()` (after a warm-up run; the session's identity map emptied before
    each run) beside the median of its own SQL statements replayed raw: what the batch spends
    above that floor is Python (hydration, Decimal arithmetic, rule evaluation)."""
    from hrapp.extensions import db

    with captured_statements(engine) as statements:  # the warm-up run, whose statements are the floor
        result = action()
    samples, cpu, floors_cpu = [], [], []
    for _ in range(repeat):
        db.session.expire_all()
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    db.session.rollback()
    floors = [ms / 1000 for ms in replay(engine, statements, repeat, floors_cpu)]
    size = len(result) if hasattr(result, "__len__") else None
    cpu_batch, cpu_sql = statistics.median(cpu), statistics.median(floors_cpu) / 1000
    note = f"{len(statements)} statements, n={repeat}" + (f", {size:,} rows" if size is not None else "")
    note += f", CPU {cpu_batch:.2f} s vs {cpu_sql:.2f} s" + (f" (×{cpu_batch / cpu_sql:.1f})" if cpu_sql else "")
    return Figure(
        name,
        round(statistics.median(samples), 4),
        "s",
        floor=round(statistics.median(floors), 4),
        max_ratio=BATCH_MAX_RATIO,
        limit=limit_s,
        detail=note + (f"; {detail}" if detail else ""),
    )
