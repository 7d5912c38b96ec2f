"""What a benchmark returns: figures beside the floor the hardware allows.

A benchmark module's `run()` returns a list of `Figure` (plain strings are still printed, as notes).
`bench/__main__.py` prints them as a table and writes bench/results.json and bench/RESULTS.md.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class Figure:
    """One measured figure. `floor` is the same measure of the bare floor taken in the same run on
    the same data (bare SQL, a plain executemany, a bare ReportLab document…); `max_ratio` and
    `limit` are the targets: value within max_ratio × floor, and value under (or, for rates, over)
    limit. `higher_is_better` for rates such as rows/s."""

    name: str
    value: float
    unit: str
    floor: float | None = None
    max_ratio: float | None = None
    limit: float | None = None
    higher_is_better: bool = False
    detail: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.floor or not self.value:
            return None
        return self.floor / self.value if self.higher_is_better else self.value / self.floor

    @property
    def ok(self) -> bool:
        if self.max_ratio is not None and self.ratio is not None and self.ratio > self.max_ratio:
            return False
        if self.limit is not None:
            return self.value >= self.limit if self.higher_is_better else self.value < self.limit
        return True

    @property
    def target(self) -> str:
        parts = []
        if self.limit is not None:
            parts.append(f"{'≥' if self.higher_is_better else '<'} {_number(self.limit)} {self.unit}")
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g}× floor")
        return ", ".join(parts)

    def line(self) -> str:
        floor = f", floor {_number(self.floor)} {self.unit} (×{self.ratio:.2f})" if self.ratio else ""
        target = f"; target {self.target}" if self.target else ""
        detail = f" — {self.detail}" if self.detail else ""
        return f"{'ok' if self.ok else 'FAIL'} {self.name}: {_number(self.value)} {self.unit}{floor}{target}{detail}"

    def as_dict(self) -> dict:
        return {**dataclasses.asdict(self), "ratio": self.ratio, "ok": self.ok, "target": self.target}


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
