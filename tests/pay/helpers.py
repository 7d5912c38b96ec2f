"""Building blocks for pay tests: approved scale versions and allowance rules written straight to
the session, with amounts given by tier code and step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hrapp.extensions import db
from hrapp.pay.models import AllowanceRuleSet, PayScale, PayScaleCell
from tests.certification import helpers as certification

_versions = {"scale": 0, "rules": 0}


def scale(effective_from: dt.date, amounts: dict, *, effective_to=None, status="approved", default=None) -> PayScale:
    """amounts: {(tier code, step): '4000.00'}; `default` fills every other cell of every tier."""
    tiers = certification.ladder()
    number = (db.session.query(db.func.max(PayScale.version)).scalar() or 0) + 1
    version = PayScale(
        version=number,
        name=f"v{number}",
        document_no=f"深福人〔{effective_from.year}〕{number}号" if status == "approved" else "",
        status=status,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    db.session.add(version)
    db.session.flush()
    for tier in tiers.values():
        for step in range(1, tier.max_step + 1):
            value = amounts.get((tier.code, step), default)
            if value is not None:
                db.session.add(
                    PayScaleCell(scale_id=version.id, tier_id=tier.id, step=step, monthly_base=Decimal(value))
                )
    db.session.flush()
    return version


def no_allowances(effective_from: dt.date = dt.date(2010, 1, 1), **values) -> AllowanceRuleSet:
    """Approved rules paying nothing unless `values` says so (coefficients default to DOMAIN.md's)."""
    number = (db.session.query(db.func.max(AllowanceRuleSet.version)).scalar() or 0) + 1
    amounts = {
        "seniority_per_year": Decimal(0),
        "certificate_amount": Decimal(0),
        "difficulty_residential": Decimal(0),
        "difficulty_commercial": Decimal(0),
        "difficulty_urban_village": Decimal(0),
        "difficulty_special": Decimal(0),
        "performance_pool_share": Decimal(0),
    }
    amounts.update({key: Decimal(str(value)) if not isinstance(value, int) else value for key, value in values.items()})
    rules = AllowanceRuleSet(
        version=number, status="approved", document_no=f"R{number}", effective_from=effective_from, **amounts
    )
    db.session.add(rules)
    db.session.flush()
    return rules
