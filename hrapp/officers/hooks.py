"""What later domains add to officers without officers importing them (dependencies stay one-way).

- `register_officer_created(fn)`: fn(officer, acting) runs inside `create_officer` after the
  officer is flushed, for every path that creates an officer (form, import). Certification uses it
  to start a new officer at probation step 1 on the hire date.
- `register_tier_source(source)`: the directory's tier column. `source.current(on)` returns a
  select of (officer_id, ordinal, code, step) for the tier each officer holds on `on`, joined
  set-based by the directory; `source.label(code)` names a tier.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

OFFICER_CREATED: list[Callable] = []


def register_officer_created(fn: Callable) -> None:
    if fn not in OFFICER_CREATED:
        OFFICER_CREATED.append(fn)


def officer_created(officer, acting) -> None:
    for fn in OFFICER_CREATED:
        fn(officer, acting)


@dataclasses.dataclass(frozen=True)
class TierSource:
    current: Callable[[dt.date], object]
    label: Callable[[str], str]


TIER_SOURCE: TierSource | None = None


def register_tier_source(source: TierSource | None) -> None:
    """Called by certification; None unregisters (tests)."""
    global TIER_SOURCE
    TIER_SOURCE = source


def tier_source() -> TierSource | None:
    return TIER_SOURCE
