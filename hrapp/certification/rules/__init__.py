"""The eligibility engine: each officer's next tier, criterion by criterion, with evidence. One
package by what each part does — `criteria` (what it returns), `evidence` (the integrity source hook
and the aggregates), `engine` (`evaluate`, `eligibility_of`) and `shortlist` (set-based SQL) —
whose public names are all importable from here.

Set-based: whatever the number of officers, one evaluation runs a fixed handful of queries (tiers,
rule sets, current tier with its start, one aggregate over attendance, one over annual results,
one over integrity findings) and Python only combines the aggregate rows. `evaluate` gives every
criterion with its evidence (the profile panel, the proposal snapshot, the rows a page shows);
`shortlist` decides the same criteria inside one SQL statement and returns only the eligible
officers and the near-misses, so a list over 20,000 officers builds evidence for one page only.

Boundaries are calendar-exact: "4 years as junior" since 2021-03-01 is met on 2025-03-01, not on
2025-02-28; from 29 February, a year later is 28 February. "The last 12 months" on date D is
(D − 12 months, D]. "The last N annual results" are the grades of the N calendar years before D's
year; a missing year counts as not reaching the grade.

Integrity findings belong to a later domain. It registers a source with
`register_integrity_findings_source(fn)`: fn() returns a selectable with columns
(officer_id, found_on, severity) — severity on the SEVERITIES scale — or None, treated as empty.
"""

from hrapp.certification.rules.criteria import Criterion, Eligibility
from hrapp.certification.rules.engine import eligibility_of, evaluate, rules_in_force
from hrapp.certification.rules.evidence import register_integrity_findings_source
from hrapp.certification.rules.shortlist import Candidate, latest_start, latest_start_months, shortlist

__all__ = [
    "Candidate",
    "Criterion",
    "Eligibility",
    "eligibility_of",
    "evaluate",
    "latest_start",
    "latest_start_months",
    "register_integrity_findings_source",
    "rules_in_force",
    "shortlist",
]
