"""What the engine returns: a Criterion (one requirement with its evidence, met or not) and an
officer's Eligibility for the next tier (all criteria, JSON-ready for the proposal snapshot)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal

from flask_babel import gettext as _

from hrapp.certification.models import SEVERITIES, TIER_LABELS, grade_label
from hrapp.training.models import COURSE_CATEGORIES

# --- results -----------------------------------------------------------------------------------


def _number(value) -> str:
    value = decimal.Decimal(value or 0).quantize(decimal.Decimal("0.1"))
    return f"{value:f}".removesuffix(".0")


@dataclasses.dataclass(slots=True)
class Criterion:
    """One rule of a rule set, met or not, with the values behind the verdict (plain data)."""

    key: str
    met: bool
    data: dict
    reached_on: dt.date | None = None  # tenure criteria: the date the criterion is (was) met

    @property
    def text(self) -> str:
        d = self.data
        if self.key == "service_years":
            return _(
                "%(years)d years of service since %(since)s: reached on %(date)s",
                years=d["years"],
                since=d["since"],
                date=d["reached_on"],
            )
        if self.key == "tier_years":
            return _(
                "%(years)d years as %(tier)s since %(since)s: reached on %(date)s",
                years=d["years"],
                tier=str(TIER_LABELS.get(d["tier"], d["tier"])),
                since=d["since"],
                date=d["reached_on"],
            )
        if self.key == "tier_months":
            return _(
                "%(months)d months as %(tier)s since %(since)s: reached on %(date)s",
                months=d["months"],
                tier=str(TIER_LABELS.get(d["tier"], d["tier"])),
                since=d["since"],
                date=d["reached_on"],
            )
        if self.key == "tenure":
            first, second = (Criterion(part["key"], part["met"], part["data"]).text for part in d["parts"])
            return _("Either %(first)s, or %(second)s", first=first, second=second)
        if self.key == "training_hours":
            text = _(
                "Training hours %(hours)s/%(required)s in the last %(months)d months",
                hours=_number(d["hours"]),
                required=_number(d["required"]),
                months=d["months"],
            )
            return text + _category_suffix(d.get("category"))
        if self.key == "exam":
            if self.met:
                text = _(
                    "Exam passed with a score of %(score)s (at least %(min)s) in the last %(months)d months",
                    score=_number(d["score"]),
                    min=d["min_score"],
                    months=d["months"],
                )
            else:
                text = _(
                    "No exam passed with a score of at least %(min)s in the last %(months)d months",
                    min=d["min_score"],
                    months=d["months"],
                )
            return text + _category_suffix(d.get("category"))
        if self.key == "grades":
            return _(
                "Annual grade %(grade)s or better in %(count)d of the last %(years)d years (needs %(required)d)",
                grade=grade_label(d["grade"]),
                count=d["count"],
                years=d["years"],
                required=d["required"],
            )
        if self.key == "integrity":
            severity = str(SEVERITIES.get(d["severity"], d["severity"]))
            if d["months"]:
                return _(
                    "Integrity findings of severity %(severity)s or worse in the last %(months)d months: %(count)d",
                    severity=severity,
                    months=d["months"],
                    count=d["count"],
                )
            return _(
                "Integrity findings of severity %(severity)s or worse: %(count)d", severity=severity, count=d["count"]
            )
        return self.key

    def as_dict(self) -> dict:
        """JSON-ready (the frozen snapshot of a case)."""
        return {"key": self.key, "met": self.met, "data": _json_ready(self.data), "text": self.text}


def _json_ready(value):
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _category_suffix(category: str | None) -> str:
    if not category:
        return ""
    return _(" (courses: %(category)s)", category=str(COURSE_CATEGORIES.get(category, category)))


@dataclasses.dataclass(slots=True)
class Eligibility:
    officer_id: int
    employee_no: str
    name: str
    street_id: int
    on: dt.date
    tier_id: int
    tier_code: str
    tier_ordinal: int
    step: int
    tier_since: dt.date
    target_tier_id: int | None = None
    target_tier_code: str | None = None
    rule_id: int | None = None
    rule_version: int | None = None
    criteria: list[Criterion] = dataclasses.field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.rule_id is not None and all(criterion.met for criterion in self.criteria)

    @property
    def missing(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if not criterion.met]

    @property
    def tenure_reached_on(self) -> dt.date | None:
        """When every tenure criterion is met; None if there is none."""
        dates = [c.reached_on for c in self.criteria if c.reached_on is not None]
        return max(dates) if dates else None

    def tenure_by(self, day: dt.date) -> bool:
        """Every tenure criterion (years of service, years in tier) is reached by `day`."""
        if self.rule_id is None:
            return False
        return all(c.reached_on <= day for c in self.criteria if c.reached_on is not None)

    @property
    def missing_now(self) -> list[Criterion]:
        """What time alone will not bring: the unmet criteria other than tenure."""
        return [c for c in self.criteria if not c.met and c.reached_on is None]

    @property
    def tier_label(self) -> str:
        return str(TIER_LABELS.get(self.tier_code, self.tier_code))

    @property
    def target_label(self) -> str:
        return str(TIER_LABELS.get(self.target_tier_code, self.target_tier_code or ""))

    def snapshot(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "tier": self.tier_code,
            "step": self.step,
            "tier_since": self.tier_since.isoformat(),
            "target": self.target_tier_code,
            "rule_id": self.rule_id,
            "rule_version": self.rule_version,
            "eligible": self.eligible,
            "criteria": [criterion.as_dict() for criterion in self.criteria],
        }
