"""Pay and funding: versioned pay scales (tier × step → monthly base pay), allowance rules, each
officer's pay on a date, monthly pay rosters (工资表) that freeze when closed, adjustments for
corrections after a close, annual funding standards, street allocations, budget against actual,
growth, the what-if of a draft scale and the funding report (screen, XLSX, PDF).

Owns: PayScale, PayScaleCell, AllowanceRuleSet, PayMonth, PayRosterLine, FundingStandard,
FundingAllocation.
Depends on: core, auth, org, officers, certification (tiers and tier records, annual results as the
performance grade until assessments exist, training certificates — read in one place,
`queries.valid_certificates`). Nothing below pay imports it; the profile and /me panel is
registered through `officers/panels.py`.
"""
