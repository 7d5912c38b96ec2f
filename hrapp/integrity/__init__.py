"""Integrity spot-checks (明察暗访): plans, checks, findings, evidence, rectification, accountability,
appeals, risk-based draws and their reports.

Depends on core, auth, org, officers and certification (it registers the findings source that the
promotion rules count, and an officer-profile panel). Nothing below it imports integrity; the
assessments domain above reads the per-officer findings feed (`queries.officer_findings`).
Workload anomaly signals reach the draw through `risk.register_risk_signal_source`.
"""
