"""Certification rules (state changes). Services flush, never commit. One package, three modules by
what they do — `tiers` (defaults, tiers, rule versions, tier records, annual results), `cases`
(promotion/demotion cases) and `annual_steps` — whose public names are all importable from here.

- Tier records: effective-dated, no two records of an officer overlap; a new record that starts
  after the open one closes it (succession), any other overlap is refused.
- Promotion rule sets: versioned; a change is a new version starting after the current one, which
  it closes. Only administrators change rules and tiers.
- Cases: an HR clerk proposes a promotion or demotion within their scope with a frozen eligibility
  snapshot; only an administrator approves or rejects; approval writes the tier record; a decided
  case is locked and is reversed only by a new linked case.
- Annual steps: +1 step (up to the tier's maximum) for each officer whose grade of the year is
  合格 or better; a year is granted once per officer, so running it twice changes nothing.
"""

from hrapp.certification import course_tiers  # noqa: F401 (registers the course ↔ tier link with training)
from hrapp.certification.services.annual_steps import annual_step_candidates, grant_annual_steps
from hrapp.certification.services.cases import decide_case, propose_case, propose_reversal, update_case
from hrapp.certification.services.tiers import (
    DEFAULT_RULES,
    DEFAULT_RULES_FROM,
    DEFAULT_TIERS,
    QUALIFIED,
    RULE_FIELDS,
    add_tier_record,
    ensure_defaults,
    new_rule_version,
    record_annual_result,
    rule_errors,
    start_probation,
    tier_by_code,
    tier_on,
    update_tier,
)

__all__ = [
    "DEFAULT_RULES",
    "DEFAULT_RULES_FROM",
    "DEFAULT_TIERS",
    "QUALIFIED",
    "RULE_FIELDS",
    "add_tier_record",
    "annual_step_candidates",
    "decide_case",
    "ensure_defaults",
    "grant_annual_steps",
    "new_rule_version",
    "propose_case",
    "propose_reversal",
    "record_annual_result",
    "rule_errors",
    "start_probation",
    "tier_by_code",
    "tier_on",
    "update_case",
    "update_tier",
]
