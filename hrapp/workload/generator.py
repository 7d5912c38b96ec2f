"""A deterministic generator of realistic dispatch-platform cases, for the demo seed and benchmarks.

The mix follows DOMAIN.md: 14 top-level classes (street order and sanitation most frequent), sources
mostly patrol finds, 结案率 ≈ 97 %, 按期结案率 ≈ 90 %, 返工率 ≈ 0.05 %, about 70 % of closed cases
rated, 85 % of ratings 满意. Timestamps are Shanghai time, reported in working hours mostly.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator

CATEGORY_WEIGHTS = {
    "01-01": 18, "01-02": 9, "02-01": 6, "02-02": 2, "03-01": 3, "03-02": 2, "04-01": 12, "04-02": 8,
    "05-01": 0.3, "05-02": 0.4, "06-01": 9, "06-02": 5, "07-01": 2, "07-02": 3, "08-01": 2, "08-02": 1,
    "09-01": 1, "09-02": 2, "10-01": 4, "10-02": 1, "11-01": 2, "11-02": 0.5, "12-01": 3, "12-02": 1,
    "13-01": 0.5, "13-02": 2, "14-01": 3,
}  # fmt: skip
SOURCE_WEIGHTS = {"patrol": 62, "report": 14, "snapshot": 10, "assigned": 6, "hotline": 8}
HEADER = [
    "external_id", "category", "source", "grid", "reporter", "handler", "status", "reported_at",
    "accepted_at", "dispatched_at", "handled_at", "closed_at", "rejected_at", "merged_at",
    "reworked_at", "rework_count", "supervision", "rating",
]  # fmt: skip


def _fmt(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def generate_cases(
    postings: list[tuple[str, str]],
    count: int,
    start: dt.date,
    days: int,
    seed: int = 15,
    prefix: str = "B",
    now: dt.datetime | None = None,
    suspicious: frozenset[int] = frozenset(),
) -> Iterator[list[str]]:
    """Rows (in HEADER order) of `count` cases over `days` days from `start`, spread over the
    (grid code, employee no) postings; some officers are made busier than others. Cases whose
    closure would fall after `now` (Shanghai time) are still open. The officers at the
    `suspicious` posting positions report and close their own cases within minutes."""
    rng = random.Random(seed)
    categories, category_weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    sources, source_weights = zip(*SOURCE_WEIGHTS.items(), strict=True)
    activity = [rng.lognormvariate(0, 0.35) for _ in postings]
    posting_choices = rng.choices(range(len(postings)), weights=activity, k=min(count, 200_000))
    category_choices = rng.choices(categories, weights=category_weights, k=4096)
    source_choices = rng.choices(sources, weights=source_weights, k=4096)
    base = dt.datetime.combine(start, dt.time())
    for number in range(count):
        position = posting_choices[number % len(posting_choices)]
        grid, officer = postings[position]
        category = category_choices[number % 4096]
        source = source_choices[(number * 7) % 4096]
        day = base + dt.timedelta(days=rng.randrange(days))
        if day.weekday() >= 5 and rng.random() < 0.6:
            day -= dt.timedelta(days=2)
        reported = day + dt.timedelta(minutes=rng.randint(8 * 60 + 30, 18 * 60))
        accepted = reported + dt.timedelta(minutes=rng.randint(2, 40))
        dispatched = accepted + dt.timedelta(minutes=rng.randint(5, 90))
        roll = rng.random()
        handled = closed = rejected = merged = reworked = None
        rework = 0
        rating = ""
        if roll < 0.015:
            status, rejected = "rejected", accepted
        elif roll < 0.02:
            status, merged = "merged", accepted
        elif roll < 0.05:
            status = "dispatched"
        else:
            late = rng.random() < 0.10
            hours = rng.uniform(30, 120) if late else rng.expovariate(1 / 5) + 0.3
            handled = dispatched + dt.timedelta(hours=hours)
            closed = handled + dt.timedelta(minutes=rng.randint(20, 240))
            status = "closed"
            if rng.random() < 0.0005:
                rework, reworked = 1, handled + dt.timedelta(minutes=10)
            if rng.random() < 0.7:
                rating = rng.choices(["satisfied", "average", "unsatisfied"], weights=[85, 11, 4])[0]
        if position in suspicious and status == "closed":
            source = "patrol"
            accepted = reported + dt.timedelta(minutes=1)
            dispatched = accepted + dt.timedelta(minutes=1)
            handled = dispatched + dt.timedelta(minutes=rng.randint(2, 6))
            closed = handled + dt.timedelta(minutes=2)
        if now is not None and closed is not None and closed > now:
            status, handled, closed, rating, rework, reworked = "dispatched", None, None, "", 0, None
        supervision = rng.choices(["0", "1", "2"], weights=[97, 2.5, 0.5])[0]
        self_found = source == "patrol"
        yield [
            f"{prefix}{number:09d}",
            category,
            source,
            grid,
            officer if self_found else "",
            officer,
            status,
            _fmt(reported),
            _fmt(accepted),
            _fmt(dispatched),
            _fmt(handled),
            _fmt(closed),
            _fmt(rejected),
            _fmt(merged),
            _fmt(reworked),
            str(rework),
            supervision,
            rating,
        ]


def write_csv(path, rows: Iterator[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
