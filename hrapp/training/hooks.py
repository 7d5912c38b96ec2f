"""What certification adds to training without training importing it (dependencies stay one-way).

- `register_course_tiers(source)`: the tiers a course is mandatory for (the course ↔ tier link is
  a tier rule, owned by certification). `source.choices()` lists (tier id, label) for the course
  form; `source.of(course_ids)` maps each course id to its tiers' (id, label) pairs, in ladder
  order, for one list page in one query; `source.assign(course, tier_ids)` replaces a course's
  tiers (flushes, never commits). Without a registered source courses carry no tiers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable


@dataclasses.dataclass(frozen=True)
class CourseTiers:
    choices: Callable[[], list[tuple[int, str]]]
    of: Callable[[list[int]], dict[int, list[tuple[int, str]]]]
    assign: Callable[[object, list[int]], None]


COURSE_TIERS: CourseTiers | None = None


def register_course_tiers(source: CourseTiers | None) -> None:
    """Called by certification; None unregisters (tests)."""
    global COURSE_TIERS
    COURSE_TIERS = source


def course_tier_choices() -> list[tuple[int, str]]:
    return COURSE_TIERS.choices() if COURSE_TIERS else []


def course_tiers(course_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    ids = list(course_ids)
    return COURSE_TIERS.of(ids) if COURSE_TIERS and ids else {}


def assign_course_tiers(course, tier_ids: list[int]) -> None:
    if COURSE_TIERS:
        COURSE_TIERS.assign(course, tier_ids)
