"""Demo data for pay and funding (a step of `flask seed demo`): three approved pay scale versions
(2011, 2016, 2021) and a draft for next year, two allowance rule versions, funding standards from
2011 (30,400) and 2016 (50,400, as in the district's reply) with plausible years around them,
street allocations for every year, and the ten months before the current one closed. One officer's
tier is then corrected back into the last closed month, so the open month shows an adjustment."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from hrapp.auth.models import User
from hrapp.certification.models import Tier, TierRecord
from hrapp.core.db import utcnow
from hrapp.core.money import CENT
from hrapp.extensions import db
from hrapp.officers.models import Officer
from hrapp.org.models import Street
from hrapp.pay import calc, services
from hrapp.pay.models import AllowanceRuleSet, FundingAllocation, FundingStandard, PayScale, PayScaleCell

# tier code → (step 1 monthly base in 2011, increment per step)
BASE_2011 = {"probation": (1800, 0), "junior": (2000, 80), "intermediate": (2600, 100), "senior": (3300, 120)}
SCALES = [
    (dt.date(2011, 1, 1), Decimal("1.00"), "深福人社〔2011〕12号", "网格员薪酬标准（2011）"),
    (dt.date(2016, 1, 1), Decimal("1.45"), "深福人社〔2015〕86号", "网格员职业化薪酬标准（2016）"),
    (dt.date(2021, 1, 1), Decimal("1.62"), "深福人社〔2020〕104号", "网格员薪酬标准（2021 调整）"),
]
STANDARDS = {
    2011: 30400,
    2012: 33000,
    2013: 36800,
    2014: 41000,
    2015: 45600,
    2016: 50400,
    2017: 52000,
    2018: 53600,
    2019: 55200,
    2020: 55200,
    2021: 57600,
    2022: 59400,
    2023: 60600,
    2024: 61800,
    2025: 63000,
    2026: 64200,
}
CLOSED_MONTHS = 10


def _amount(code: str, step: int, factor: Decimal) -> Decimal:
    first, increment = BASE_2011[code]
    # Rounded to whole yuan, as pay scales are published.
    return (Decimal(first + increment * (step - 1)) * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _seed_scales(tiers: list[Tier], on: dt.date) -> None:
    now = utcnow()
    starts = [start for start, *_ in SCALES] + [None]
    for number, (start, factor, document, name) in enumerate(SCALES, start=1):
        scale = PayScale(
            version=number,
            name=name,
            document_no=document,
            status="approved",
            effective_from=start,
            effective_to=starts[number],
            approved_at=now,
        )
        db.session.add(scale)
        db.session.flush()
        db.session.execute(
            sa.insert(PayScaleCell),
            [
                {
                    "scale_id": scale.id,
                    "tier_id": tier.id,
                    "step": step,
                    "monthly_base": _amount(tier.code, step, factor),
                }
                for tier in tiers
                for step in range(1, tier.max_step + 1)
            ],
        )
    draft = PayScale(
        version=len(SCALES) + 1,
        name=f"网格员薪酬标准（{on.year + 1} 调整方案，征求意见稿）",
        status="draft",
        effective_from=dt.date(on.year + 1, 1, 1),
        based_on_id=scale.id,
        note="在现行标准基础上上调 4.5%",
    )
    db.session.add(draft)
    db.session.flush()
    db.session.execute(
        sa.insert(PayScaleCell),
        [
            {
                "scale_id": draft.id,
                "tier_id": tier.id,
                "step": step,
                "monthly_base": (_amount(tier.code, step, SCALES[-1][1]) * Decimal("1.045")).quantize(
                    CENT, rounding=ROUND_HALF_UP
                ),
            }
            for tier in tiers
            for step in range(1, tier.max_step + 1)
        ],
    )


def _seed_rules() -> None:
    now = utcnow()
    db.session.add(
        AllowanceRuleSet(
            version=1,
            document_no="深福人社〔2011〕13号",
            status="approved",
            effective_from=dt.date(2011, 1, 1),
            effective_to=dt.date(2016, 1, 1),
            seniority_per_year=Decimal("30.00"),
            seniority_max_years=20,
            certificate_amount=Decimal("100.00"),
            certificate_max_count=1,
            difficulty_residential=Decimal("0.00"),
            difficulty_commercial=Decimal("100.00"),
            difficulty_urban_village=Decimal("300.00"),
            difficulty_special=Decimal("200.00"),
            performance_pool_share=Decimal("300.00"),
            approved_at=now,
        )
    )
    db.session.add(
        AllowanceRuleSet(
            version=2,
            document_no="深福人社〔2015〕87号",
            status="approved",
            effective_from=dt.date(2016, 1, 1),
            approved_at=now,
            note="网格员职业化改革：提高工龄、技能证书、网格难度津贴和绩效工资",
        )
    )
    db.session.flush()


def _seed_funding(rng: random.Random, on: dt.date) -> None:
    now = utcnow()
    db.session.execute(
        sa.insert(FundingStandard),
        [
            {
                "year": year,
                "amount_per_officer": Decimal(amount),
                "document_no": f"福财〔{year - 1}〕{rng.randint(10, 99)}号",
                "note": "区政府复函：年度经费核拨标准" if year in (2011, 2016) else "",
                "created_at": now,
                "updated_at": now,
            }
            for year, amount in STANDARDS.items()
            if year <= on.year + 1
        ],
    )
    streets = list(db.session.scalars(sa.select(Street.id)))
    rows = []
    for year in range(2012, on.year + 1):
        mid_year = dt.date(year, 7, 1)
        employed = dict(
            db.session.execute(
                sa.select(Officer.street_id, sa.func.count())
                .where(Officer.hire_date <= mid_year)
                .group_by(Officer.street_id)
            ).all()
        )
        for street_id in streets:
            count = employed.get(street_id, 0)
            if count:
                rows.append(
                    {
                        "street_id": street_id,
                        "year": year,
                        "budgeted_headcount": count + rng.choice([-1, 0, 0, 1, 2]),
                        "note": "",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
    if rows:
        db.session.execute(sa.insert(FundingAllocation), rows)


def _correct_one_tier(on: dt.date, month: dt.date) -> None:
    """A retroactive step correction from the middle of the last closed month."""
    corrected_from = month + dt.timedelta(days=14)
    record = db.session.scalar(
        sa.select(TierRecord)
        .join(Tier)
        .where(TierRecord.effective_to.is_(None), TierRecord.effective_from < month, TierRecord.step < Tier.max_step)
        .order_by(TierRecord.officer_id)
        .limit(1)
    )
    if record is None:
        return
    record.effective_to = corrected_from
    db.session.flush()
    db.session.add(
        TierRecord(
            officer_id=record.officer_id,
            tier_id=record.tier_id,
            step=record.step + 1,
            reason="correction",
            effective_from=corrected_from,
            note="补录：档次晋升漏登记",
        )
    )
    db.session.flush()


def seed_pay(rng: random.Random, on: dt.date) -> None:
    tiers = list(db.session.scalars(sa.select(Tier).order_by(Tier.ordinal)))
    _seed_scales(tiers, on)
    _seed_rules()
    _seed_funding(rng, on)
    admin = db.session.scalar(sa.select(User).where(User.role == "admin").order_by(User.id).limit(1))
    month = calc.month_start(on)
    months = []
    for _ in range(CLOSED_MONTHS):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    for month in reversed(months):
        # Nothing changes between these closes, so there is nothing to adjust: skip that pass.
        services.close_month(month, acting=admin, on=on, with_adjustments=False)
    if months:
        _correct_one_tier(on, months[0])
