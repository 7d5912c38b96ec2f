"""Certification: the tier ladder and promotion.

Owns: Tier (见习/初级/中级/高级 as an ordinal), TierRecord (each officer's effective-dated tier and
step), PromotionRuleSet (versioned, effective-dated promotion rules per target tier), AnnualResult
(an officer's annual grade until the assessments domain provides it), promotion/demotion cases,
annual step runs, the course ↔ mandatory tier link (`course_tiers.py`, registered with training);
the eligibility engine, the candidates page and mandatory course completion per street.
Depends on: core, auth, org, officers, training. Integrity findings reach the eligibility engine only through
the evidence-source hook in `rules.py` (certification never imports integrity or assessments).
Registers with officers (`officers/hooks.py`): probation step 1 for every new officer, and the
current tier for the directory's tier column.
"""
