"""The scoring rules as pure functions over a scheme's definition (plain data, no database).

An indicator: code, name, measure (a workload measure), weight, `normalise` (divide by the grid's
workload index), `target` (per month; the ratio value/target is scored, else the raw value is),
`direction` ("higher" is better, or "lower") and `thresholds`: [[bound, fraction], …] best first —
the first bound the value reaches (≥ for higher, ≤ for lower) earns weight × fraction, none earns 0.
The integrity indicator deducts each closed finding's points (or `deduction_per_finding` when the
finding records none) from its weight, never below zero. A veto (a finding of severity ≥
`veto_severity`, or of a code in `veto_codes`: F08 fabricated data) makes the result 不合格.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import functools
from decimal import Decimal

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")

DEFAULT_DEFINITION = {
    "indicators": [
        {"code": "collection", "name": "信息采集", "measure": "collection", "weight": "20", "normalise": True,
         "target": "100", "direction": "higher", "thresholds": [["1", "1"], ["0.8", "0.8"], ["0.6", "0.5"]]},
        {"code": "patrol", "name": "巡查", "measure": "patrol", "weight": "15", "normalise": False,
         "target": "60", "direction": "higher", "thresholds": [["1", "1"], ["0.8", "0.8"], ["0.6", "0.5"]]},
        {"code": "visits", "name": "入户走访覆盖", "measure": "visits", "weight": "10", "normalise": True,
         "target": "30", "direction": "higher", "thresholds": [["1", "1"], ["0.8", "0.8"], ["0.6", "0.5"]]},
        {"code": "events", "name": "有效事件上报", "measure": "volume", "weight": "20", "normalise": True,
         "target": "40", "direction": "higher", "thresholds": [["1", "1"], ["0.8", "0.8"], ["0.6", "0.5"]]},
        {"code": "closure", "name": "自办结率", "measure": "closure_rate", "weight": "5", "normalise": False,
         "target": None, "direction": "higher", "thresholds": [["0.9", "1"], ["0.8", "0.6"]]},
        {"code": "on_time", "name": "按时核查率", "measure": "on_time_rate", "weight": "5", "normalise": False,
         "target": None, "direction": "higher", "thresholds": [["0.95", "1"], ["0.85", "0.6"]]},
        {"code": "rework", "name": "返工率", "measure": "rework_rate", "weight": "5", "normalise": False,
         "target": None, "direction": "lower", "thresholds": [["0.05", "1"], ["0.1", "0.6"]]},
        {"code": "satisfaction", "name": "群众满意度", "measure": "satisfaction", "weight": "10", "normalise": False,
         "target": None, "direction": "higher", "thresholds": [["0.95", "1"], ["0.9", "0.8"], ["0.8", "0.5"]]},
    ],
    "integrity": {"code": "integrity", "name": "纪律与廉洁", "weight": "10", "deduction_per_finding": "2"},
    "veto_severity": 3,
    "veto_codes": ["F08"],
    "grade_bands": [["90", 4], ["80", 3], ["60", 2], ["0", 1]],
    "excellent_cap_percent": "20",
}  # fmt: skip


@dataclasses.dataclass
class Result:
    lines: list[dict]
    score: Decimal
    grade: int
    veto_reason: str
    missing: list[str]


def _dec(value) -> Decimal:
    return Decimal(str(value))


@functools.lru_cache(maxsize=4096)
def _rule(value) -> Decimal:
    """A number of a scheme's definition (weight, target, bound): a few distinct strings, read for
    every officer and indicator, converted once."""
    return Decimal(str(value))


def months_in(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def score_indicator(indicator: dict, measures: dict, months: int) -> dict:
    """One line: raw value, the value scored (normalised / against the target), points."""
    raw = measures.get(indicator["measure"])
    weight = _rule(indicator["weight"])
    line = {"code": indicator["code"], "name": indicator["name"], "weight": str(weight), "raw": None,
            "index": None, "value": None, "points": "0.00", "no_data": raw is None}  # fmt: skip
    if raw is None:
        return line
    value = _dec(raw)
    line["raw"] = str(raw)
    if indicator.get("normalise"):
        index = measures.get("workload_index") or Decimal(1)
        index = index if index > 0 else Decimal(1)
        line["index"] = str(index)
        value = value / index
    if indicator.get("target") is not None:
        value = value / (_rule(indicator["target"]) * months)
    value = value.quantize(FOUR, rounding=decimal.ROUND_HALF_UP)
    line["value"] = str(value)
    fraction = Decimal(0)
    higher = indicator.get("direction", "higher") == "higher"
    for bound, earned in indicator["thresholds"]:
        if value >= _rule(bound) if higher else value <= _rule(bound):
            fraction = _rule(earned)
            break
    line["points"] = str((weight * fraction).quantize(TWO))
    return line


def score_integrity(rule: dict, findings: list[dict]) -> dict:
    weight = _dec(rule["weight"])
    per_finding = _dec(rule["deduction_per_finding"])
    deducted = sum((_dec(f["deduction"]) or per_finding for f in findings), Decimal(0))
    return {"code": rule["code"], "name": rule["name"], "weight": str(weight), "raw": str(len(findings)),
            "index": None, "value": str(deducted), "points": str(max(Decimal(0), weight - deducted).quantize(TWO)),
            "no_data": False}  # fmt: skip


def veto_reason(definition: dict, findings: list[dict]) -> str:
    for finding in findings:
        if finding["code"] in definition.get("veto_codes", []):
            return f"{finding['code']} {finding['check_number']}"
    for finding in findings:
        if finding["severity"] >= int(definition.get("veto_severity", 3)):
            return f"{finding['code']} {finding['check_number']} S{finding['severity']}"
    return ""


def grade_for(definition: dict, score: Decimal) -> int:
    for bound, grade in definition["grade_bands"]:
        if score >= _dec(bound):
            return int(grade)
    return 1


def assess(definition: dict, measures: dict, findings: list[dict], months: int) -> Result:
    lines = [score_indicator(indicator, measures, months) for indicator in definition["indicators"]]
    lines.append(score_integrity(definition["integrity"], findings))
    score = sum((_dec(line["points"]) for line in lines), Decimal(0)).quantize(TWO)
    veto = veto_reason(definition, findings)
    grade = 1 if veto else grade_for(definition, score)
    return Result(lines, score, grade, veto, [line["code"] for line in lines if line["no_data"]])


def regrade(definition: dict, score: Decimal, veto: str) -> int:
    return 1 if veto else grade_for(definition, score)


def excellent_quota(definition: dict, cohort_size: int) -> int | None:
    """How many 优秀 a cohort may hold (None: no cap)."""
    percent = definition.get("excellent_cap_percent")
    if percent in (None, ""):
        return None
    return int(cohort_size * _dec(percent) / 100)


def apply_excellent_cap(definition: dict, results: list[tuple[int, Decimal, int]]) -> set[int]:
    """`results` (key, score, grade) of one cohort → keys moved from 优秀 to 合格: beyond the quota,
    the lowest scores first (ties: the later key)."""
    quota = excellent_quota(definition, len(results))
    if quota is None:
        return set()
    excellent = sorted((r for r in results if r[2] == 4), key=lambda r: (-r[1], r[0]))
    return {key for key, _score, _grade in excellent[quota:]}
