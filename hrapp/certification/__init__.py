"""Certification: the tier ladder, training records and promotion.

Owns: Tier (见习/初级/中级/高级 as an ordinal), TierRecord (each officer's effective-dated tier and
step), PromotionRuleSet (versioned, effective-dated promotion rules per target tier), AnnualResult
(an officer's annual grade until the assessments domain provides it), training courses, sessions
and attendance, promotion/demotion cases, annual step runs; the eligibility engine and the
candidates page.
Depends on: core, auth, org, officers. Integrity findings reach the eligibility engine only through
the evidence-source hook in `rules.py` (certification never imports integrity or assessments).
Registers with officers (`officers/hooks.py`): probation step 1 for every new officer, and the
current tier for the directory's tier column.
"""
