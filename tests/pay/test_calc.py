"""Pay on a date and the monthly roster, checked against figures computed by hand."""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from hrapp.pay import queries
from tests.certification import helpers as certification
from tests.pay import helpers

JUNE = dt.date(2026, 6, 1)


def _line(officer, month=JUNE):
    lines = {line.officer_id: line for line in queries.computed_roster(month, sa.true())}
    return lines.get(officer.id)


def test_june_base_pay_prorates_a_scale_change_and_a_promotion_to_the_day(world):
    helpers.no_allowances()
    helpers.scale(
        dt.date(2018, 1, 1),
        {("junior", 1): "4000.00", ("intermediate", 3): "5600.00"},
        effective_to=dt.date(2026, 6, 10),
    )
    helpers.scale(dt.date(2026, 6, 10), {("junior", 1): "4211.11", ("intermediate", 3): "5900.00"})
    certification.history(world.officer, ("junior", dt.date(2018, 3, 1), 1), ("intermediate", dt.date(2026, 6, 16), 3))

    line = _line(world.officer)

    # 1–9 June: v1 junior 1 (9 days); 10–15: v2 junior 1 (6 days); 16–30: v2 intermediate 3 (15 days).
    # (4000 × 9 + 4211.11 × 6 + 5900 × 15) / 30 = 149766.66 / 30 = 4992.222 → 4992.22
    assert line.days == 30
    assert line.base == Decimal("4992.22")
    assert line.total == Decimal("4992.22")
    assert queries.pay_on(world.officer, dt.date(2026, 6, 12)).components[0].amount == Decimal("4211.11")
    assert queries.pay_on(world.officer, dt.date(2026, 6, 16)).components[0].amount == Decimal("5900.00")
    assert queries.pay_on(world.officer, dt.date(2019, 6, 1)).components[0].amount == Decimal("4000.00")


def test_allowances_follow_their_rules_and_prorate_a_certificate_expiry(world):
    from hrapp.certification.models import AnnualResult

    helpers.no_allowances(
        seniority_per_year="50.00",
        certificate_amount="200.00",
        certificate_max_count=2,
        difficulty_urban_village="400.00",
        performance_pool_share="800.00",
    )
    helpers.scale(dt.date(2018, 1, 1), {("junior", 1): "4000.00"})
    certification.history(world.officer, ("junior", dt.date(2018, 3, 1), 1))
    world.grid.grid_type = "urban_village"
    course = certification.course("safety", is_exam=True, pass_score=60)
    for held, expires in (
        (dt.date(2025, 1, 10), None),
        (dt.date(2025, 2, 10), dt.date(2026, 6, 10)),
        (dt.date(2025, 3, 10), dt.date(2026, 6, 10)),
    ):
        attended = certification.attend(
            world.officer, certification.session(course, held), score=80, passed=True, expires=expires
        )
        attended.certificate_no = f"C-{held:%m}"
    failed = certification.attend(
        world.officer, certification.session(course, dt.date(2025, 4, 1)), score=20, passed=False
    )
    failed.certificate_no = "C-FAILED"
    sa_session = certification.db.session
    sa_session.add(AnnualResult(officer_id=world.officer.id, year=2025, grade=4))
    sa_session.flush()

    line = _line(world.officer)
    on_the_first = queries.pay_on(world.officer, JUNE)
    amounts = {c.key: c.amount for c in on_the_first.components}

    # Hired 1 March 2018: 8 full years on 1 June 2026 × 50 = 400.
    assert line.seniority == amounts["seniority"] == Decimal("400.00")
    # 1–10 June: three valid certificates, capped at two (400); from 11 June one (200):
    # (400 × 10 + 200 × 20) / 30 = 266.666… → 266.67. The failed exam earns nothing.
    assert amounts["certificate"] == Decimal("400.00")
    assert line.certificate == Decimal("266.67")
    assert queries.pay_on(world.officer, dt.date(2026, 6, 11)).components[2].amount == Decimal("200.00")
    # Urban village grid: 400; performance: 800 × 1.2 (优秀 in 2025) = 960.
    assert line.difficulty == Decimal("400.00")
    assert line.performance == Decimal("960.00")
    assert line.total == Decimal("4000.00") + Decimal("400.00") + Decimal("266.67") + Decimal("400.00") + Decimal(
        "960.00"
    )


def test_seniority_is_counted_on_the_first_of_the_month(world):
    helpers.no_allowances(seniority_per_year="50.00", seniority_max_years=5)
    helpers.scale(dt.date(2010, 1, 1), {}, default="3000.00")
    world.officer.hire_date = dt.date(2023, 6, 2)
    certification.history(world.officer, ("junior", dt.date(2023, 6, 2), 1))
    world.colleague.hire_date = dt.date(2010, 6, 1)
    certification.history(world.colleague, ("junior", dt.date(2010, 6, 1), 1))

    # 2 June 2023 → 1 June 2026: two full years (the third completes on the 2nd).
    assert _line(world.officer).seniority == Decimal("100.00")
    # Sixteen years, capped at five.
    assert _line(world.colleague).seniority == Decimal("250.00")


def test_a_hire_and_a_leaving_in_the_month_are_paid_for_their_days_only(world):
    from hrapp.officers import services as officer_services

    helpers.no_allowances()
    helpers.scale(dt.date(2010, 1, 1), {}, default="3100.00")
    world.colleague.hire_date = dt.date(2026, 6, 21)
    certification.history(world.colleague, ("junior", dt.date(2026, 6, 21), 1))
    certification.history(world.officer, ("junior", dt.date(2018, 3, 1), 1))
    officer_services.deactivate(world.officer, on=dt.date(2026, 6, 11), acting=world.admin)

    # Hired 21 June: 10 days × 3100 / 30 = 1033.33; left on 11 June (paid 1–10): 1033.33.
    assert _line(world.colleague).days == 10
    assert _line(world.colleague).base == Decimal("1033.33")
    assert _line(world.officer).days == 10
    assert _line(world.officer).base == Decimal("1033.33")
    assert _line(world.officer, dt.date(2026, 7, 1)) is None
    assert not queries.pay_on(world.officer, dt.date(2026, 6, 11)).employed
