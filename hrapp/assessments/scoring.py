"""The scoring rules as pure functions over a scheme's definition (plain data, no database).

An indicator: code, name, measure (a workload measure), weight, `normalise` (divide by the grid's
workload index), `target` (per month; the ratio value/target is scored, else the raw value is),
`direction` ("higher" is better, or "lower") and `thresholds`: [[bound, fraction], …] best first —
the first bound the value reaches (≥ for higher, ≤ for lower) earns weight × fraction, none earns 0.
The integrity indicator deducts each closed finding's points (or `deduction_per_finding` when the
finding records none) from its weight, never below zero. A veto (a finding of severity ≥
`veto_severity`, or of a code in `veto_codes`: F08 fabricated data) makes the result 不合格.
`annual`: the shares of the monthly scores and of the year-end review in the annual score.
`validate_definition` is the one check of a definition's shape and sense (weights sum to 100,
thresholds and grade bands ordered, measures known); services refuse a scheme it finds fault with.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import functools
import re
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
        # An officer handles about 400 cases a year (DOMAIN.md), some 40 % of them their own reports:
        # about 15 valid reports a month on an average grid is the expected volume.
        {"code": "events", "name": "有效事件上报", "measure": "volume", "weight": "20", "normalise": True,
         "target": "15", "direction": "higher", "thresholds": [["1", "1"], ["0.8", "0.8"], ["0.6", "0.5"]]},
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
    "annual": {"monthly_share": "70", "review_share": "30"},
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


def annual_score(definition: dict, year_score: Decimal, monthly_scores: list[Decimal]) -> Decimal:
    """The annual formula: the monthly scores' mean at its share plus the year-end review (the
    year's own assessment) at the other. Without monthly results the review stands alone."""
    if not monthly_scores:
        return year_score
    annual = definition.get("annual") or DEFAULT_DEFINITION["annual"]
    mean = sum(monthly_scores, Decimal(0)) / len(monthly_scores)
    blended = (mean * _dec(annual["monthly_share"]) + year_score * _dec(annual["review_share"])) / 100
    return blended.quantize(TWO)


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


# --- the check of a definition -------------------------------------------------------------------


def N_(message: str) -> str:  # noqa: N802  (marks a message for extraction; translated where shown)
    return message


@dataclasses.dataclass(frozen=True)
class Problem:
    """What is wrong and where: `path` names the place in the definition (("indicators", 2,
    "weight")); `message` is an untranslated msgid with its `params`."""

    path: tuple
    message: str
    params: dict = dataclasses.field(default_factory=dict)


GRADES = (4, 3, 2, 1)
SEVERITY_RANGE = (1, 4)
DIRECTIONS = ("higher", "lower")
MAX_THRESHOLDS = 6
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
_FINDING = re.compile(r"^F\d{2}$")


def _number(value, low, high, *, low_open: bool = False) -> Decimal | None:
    """The value as a finite Decimal within [low, high] (or (low, high]), else None."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal) or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except decimal.InvalidOperation:
        return None
    if not number.is_finite() or number > high or number < low or (low_open and number == low):
        return None
    return number


def _text(value, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= limit


def _check_indicator(index: int, indicator, measures, problems: list[Problem]) -> Decimal:
    where = ("indicators", index)
    if not isinstance(indicator, dict):
        problems.append(Problem(where, N_("This indicator is not readable.")))
        return Decimal(0)
    if not isinstance(indicator.get("code"), str) or not _CODE.match(indicator["code"]):
        problems.append(
            Problem((*where, "code"), N_("A code is 1–30 lower-case letters, digits or _, starting with a letter."))
        )
    if not _text(indicator.get("name"), 40):
        problems.append(Problem((*where, "name"), N_("Enter a name of at most 40 characters.")))
    if indicator.get("measure") not in measures:
        problems.append(Problem((*where, "measure"), N_("Unknown measure: choose one of the registered measures.")))
    weight = _number(indicator.get("weight"), 0, 100, low_open=True)
    if weight is None:
        problems.append(Problem((*where, "weight"), N_("A weight is a number above 0 and at most 100.")))
    if indicator.get("target") not in (None, "") and _number(indicator["target"], 0, 10**6, low_open=True) is None:
        problems.append(
            Problem((*where, "target"), N_("A target is a number above 0 (or empty: the value is scored as it is)."))
        )
    direction = indicator.get("direction")
    if direction not in DIRECTIONS:
        problems.append(Problem((*where, "direction"), N_("Choose whether higher or lower is better.")))
    thresholds = indicator.get("thresholds")
    if not isinstance(thresholds, list) or not 1 <= len(thresholds) <= MAX_THRESHOLDS:
        problems.append(
            Problem((*where, "thresholds"), N_("Give between 1 and %(count)d thresholds."), {"count": MAX_THRESHOLDS})
        )
        return weight or Decimal(0)
    pairs = []
    for pair in thresholds:
        bound = _number(pair[0], 0, 10**6) if isinstance(pair, list | tuple) and len(pair) == 2 else None
        earned = _number(pair[1], 0, 1, low_open=True) if bound is not None else None
        if bound is None or earned is None:
            problems.append(
                Problem(
                    (*where, "thresholds"),
                    N_(
                        "Each threshold is a bound (a number ≥ 0) and the share of the weight it earns (above 0, at most 1)."
                    ),
                )
            )
            return weight or Decimal(0)
        pairs.append((bound, earned))
    for (bound, earned), (next_bound, next_earned) in zip(pairs, pairs[1:], strict=False):
        ordered = next_bound < bound if direction != "lower" else next_bound > bound
        if not ordered or next_earned >= earned:
            problems.append(
                Problem(
                    (*where, "thresholds"),
                    N_("List thresholds best first: each further one is easier to reach and earns less."),
                )
            )
            break
    return weight or Decimal(0)


def validate_definition(definition, measures, finding_codes=None) -> list[Problem]:
    """Every fault of a scheme's definition (empty: it is sound). `measures` are the registered
    source measures an indicator may read; `finding_codes`, when given, the known finding codes."""
    if not isinstance(definition, dict):
        return [Problem((), N_("The rules are not readable."))]
    problems: list[Problem] = []
    indicators = definition.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        problems.append(Problem(("indicators",), N_("Give at least one indicator.")))
        indicators = []
    total = sum(
        (_check_indicator(i, indicator, measures, problems) for i, indicator in enumerate(indicators)), Decimal(0)
    )
    codes = [i.get("code") for i in indicators if isinstance(i, dict)]
    integrity = definition.get("integrity")
    if not isinstance(integrity, dict):
        problems.append(Problem(("integrity",), N_("The integrity deduction rule is missing.")))
    else:
        if not isinstance(integrity.get("code"), str) or not _CODE.match(integrity["code"]):
            problems.append(
                Problem(
                    ("integrity", "code"), N_("A code is 1–30 lower-case letters, digits or _, starting with a letter.")
                )
            )
        codes.append(integrity.get("code"))
        if not _text(integrity.get("name"), 40):
            problems.append(Problem(("integrity", "name"), N_("Enter a name of at most 40 characters.")))
        weight = _number(integrity.get("weight"), 0, 100)
        if weight is None:
            problems.append(Problem(("integrity", "weight"), N_("A weight is a number from 0 to 100.")))
        total += weight or Decimal(0)
        if _number(integrity.get("deduction_per_finding"), 0, 100, low_open=True) is None:
            problems.append(
                Problem(("integrity", "deduction_per_finding"), N_("A deduction is a number above 0 and at most 100."))
            )
    for index, code in enumerate(codes):
        if isinstance(code, str) and code in codes[:index]:
            where = ("indicators", index, "code") if index < len(indicators) else ("integrity", "code")
            problems.append(Problem(where, N_("The code %(code)s is used twice."), {"code": code}))
    if total != 100:
        problems.append(
            Problem(("weights",), N_("The weights sum to %(total)s; they must sum to 100."), {"total": str(total)})
        )

    severity = definition.get("veto_severity")
    if (
        isinstance(severity, bool)
        or not isinstance(severity, int)
        or not SEVERITY_RANGE[0] <= severity <= SEVERITY_RANGE[1]
    ):
        problems.append(Problem(("veto_severity",), N_("Choose the severity from which a finding vetoes the result.")))
    veto_codes = definition.get("veto_codes")
    if not isinstance(veto_codes, list) or any(
        not isinstance(code, str)
        or not _FINDING.match(code)
        or (finding_codes is not None and code not in finding_codes)
        for code in veto_codes
    ):
        problems.append(Problem(("veto_codes",), N_("Veto codes are known finding codes (F01–F99).")))

    bands = definition.get("grade_bands")
    parsed = []
    if isinstance(bands, list) and len(bands) == len(GRADES):
        for index, band in enumerate(bands):
            bound = _number(band[0], 0, 100) if isinstance(band, list | tuple) and len(band) == 2 else None
            if bound is None:
                problems.append(Problem(("grade_bands", index), N_("A grade starts at a score from 0 to 100.")))
            elif band[1] != GRADES[index]:
                problems.append(Problem(("grade_bands", index), N_("The grades are listed from 优秀 down to 不合格.")))
            parsed.append(bound)
        if all(bound is not None for bound in parsed):
            for index in range(1, len(parsed)):
                if parsed[index] >= parsed[index - 1]:
                    problems.append(
                        Problem(
                            ("grade_bands", index),
                            N_("Each grade starts below the one above it: the bands may not overlap."),
                        )
                    )
            if parsed[-1] != 0:
                problems.append(
                    Problem(
                        ("grade_bands", len(parsed) - 1),
                        N_("The lowest grade starts at 0, so that every score has a grade."),
                    )
                )
    else:
        problems.append(Problem(("grade_bands",), N_("Give the four grade bands.")))

    cap = definition.get("excellent_cap_percent")
    if cap not in (None, "") and _number(cap, 0, 100) is None:
        problems.append(
            Problem(("excellent_cap_percent",), N_("The cap is a share from 0 to 100 %, or empty for no cap."))
        )
    annual = definition.get("annual")
    if annual is not None:
        monthly = _number(annual.get("monthly_share"), 0, 100) if isinstance(annual, dict) else None
        review = _number(annual.get("review_share"), 0, 100) if isinstance(annual, dict) else None
        if monthly is None or review is None or monthly + review != 100:
            problems.append(
                Problem(
                    ("annual",),
                    N_("The monthly scores' share and the review's share are numbers from 0 to 100 that sum to 100."),
                )
            )
    return problems
