"""Scale versions and locking, closing months and adjustments, funding and the what-if."""

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hrapp.certification.models import TierRecord
from hrapp.errors import DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.pay import calc, queries, services
from hrapp.pay.models import PayRosterLine
from tests.certification import helpers as certification
from tests.pay import helpers


def test_a_draft_copies_the_scale_in_force_plus_a_percentage_and_approval_supersedes_it(world):
    first = helpers.scale(dt.date(2011, 1, 1), {("intermediate", 3): "4321.00", ("junior", 1): "3000.00"})
    tiers = certification.ladder()

    draft = services.start_scale_draft(effective_from=dt.date(2019, 1, 1), percent=Decimal("3.5"), acting=world.admin)
    grid = queries.scale_grid(draft)
    # 4321 × 1.035 = 4472.235 → 4472.24 (half up, to the fen)
    assert grid[(tiers["intermediate"].id, 3)] == Decimal("4472.24")
    assert grid[(tiers["junior"].id, 1)] == Decimal("3105.00")

    services.update_scale_draft(draft, values={}, cells={(tiers["junior"].id, 1): "3110.50"}, acting=world.admin)
    with pytest.raises(DomainError):
        services.approve_scale(draft, acting=world.admin)  # no document number
    services.approve_scale(draft, acting=world.admin, document_no="深福人〔2018〕12号")

    assert first.effective_to == dt.date(2019, 1, 1)
    assert services.scale_in_force(dt.date(2018, 12, 31)) == first
    assert services.scale_in_force(dt.date(2019, 6, 1)) == draft
    # "What did 中级 step 3 earn on 2019-06-01?" — and before the revision.
    assert queries.scale_grid(services.scale_in_force(dt.date(2019, 6, 1)))[(tiers["intermediate"].id, 3)] == Decimal(
        "4472.24"
    )
    assert queries.scale_grid(services.scale_in_force(dt.date(2015, 6, 1)))[(tiers["intermediate"].id, 3)] == Decimal(
        "4321.00"
    )


def test_an_approved_scale_is_locked_and_only_admins_touch_scales(world):
    approved = helpers.scale(dt.date(2011, 1, 1), {("junior", 1): "3000.00"})
    tiers = certification.ladder()
    with pytest.raises(DomainError):
        services.update_scale_draft(approved, values={}, cells={(tiers["junior"].id, 1): "9999.00"}, acting=world.admin)
    with pytest.raises(DomainError):
        services.delete_draft(approved, acting=world.admin)
    with pytest.raises(PermissionDenied):
        services.start_scale_draft(effective_from=dt.date(2020, 1, 1), acting=world.hr)
    with pytest.raises(DomainError):  # must start after the latest approved version
        services.start_scale_draft(effective_from=dt.date(2010, 1, 1), acting=world.admin)
    assert queries.scale_grid(approved)[(tiers["junior"].id, 1)] == Decimal("3000.00")


def test_a_closed_month_does_not_change_after_a_correction_and_the_difference_is_paid_next_month(world):
    helpers.no_allowances()
    helpers.scale(dt.date(2010, 1, 1), {("junior", 1): "3000.00", ("junior", 2): "3200.00"})
    records = certification.history(world.officer, ("junior", dt.date(2018, 3, 1), 1))
    services.close_month(dt.date(2026, 5, 1), acting=world.admin, on=dt.date(2026, 6, 3))
    closed_may = queries.roster(world.admin, dt.date(2026, 5, 1)).lines[0]
    assert closed_may.total == Decimal("3000.00")

    # A retroactive correction: from 17 May the officer is at step 2 (3200 a month).
    records[0].effective_to = dt.date(2026, 5, 17)
    db.session.flush()
    tiers = certification.ladder()
    db.session.add(
        TierRecord(
            officer_id=world.officer.id,
            tier_id=tiers["junior"].id,
            step=2,
            reason="correction",
            effective_from=dt.date(2026, 5, 17),
        )
    )
    db.session.flush()

    may = queries.roster(world.admin, dt.date(2026, 5, 1))
    assert may.closed is not None
    assert may.lines[0].total == Decimal("3000.00")  # frozen
    june = {line.officer_id: line for line in queries.roster(world.admin, dt.date(2026, 6, 1)).lines}
    # 15 days in May at 200 more: 200 × 15 / 31 = 96.774… → 96.77
    assert june[world.officer.id].adjustment == Decimal("96.77")
    assert june[world.officer.id].base == Decimal("3200.00")
    assert june[world.officer.id].total == Decimal("3296.77")

    services.close_month(dt.date(2026, 6, 1), acting=world.admin, on=dt.date(2026, 7, 2))
    july = {line.officer_id: line for line in queries.roster(world.admin, dt.date(2026, 7, 1)).lines}
    assert july[world.officer.id].adjustment == Decimal("0.00")  # paid once, not again
    stored = db.session.scalars(sa.select(PayRosterLine).order_by(PayRosterLine.month)).all()
    assert [(line.month, line.total) for line in stored if line.officer_id == world.officer.id] == [
        (dt.date(2026, 5, 1), Decimal("3000.00")),
        (dt.date(2026, 6, 1), Decimal("3296.77")),
    ]


def test_months_close_in_order_once_and_only_by_an_admin(world):
    helpers.no_allowances()
    with pytest.raises(PermissionDenied):
        services.close_month(dt.date(2026, 5, 1), acting=world.hr, on=dt.date(2026, 6, 3))
    with pytest.raises(DomainError):
        services.close_month(dt.date(2026, 7, 1), acting=world.admin, on=dt.date(2026, 6, 3))
    services.close_month(dt.date(2026, 4, 1), acting=world.admin, on=dt.date(2026, 6, 3))
    with pytest.raises(DomainError):
        services.close_month(dt.date(2026, 4, 1), acting=world.admin, on=dt.date(2026, 6, 3))
    with pytest.raises(DomainError):
        services.close_month(dt.date(2026, 6, 1), acting=world.admin, on=dt.date(2026, 6, 3))


def test_the_funding_standard_grew_by_65_8_percent_from_2011_to_2016(world):
    services.save_standard(2011, "30400", acting=world.admin)
    services.save_standard(2016, "50400.00", acting=world.hr)
    standards = {s.year: s.amount_per_officer for s in queries.standards()}
    assert queries.growth(standards[2011], standards[2016]) == Decimal("65.8")
    with pytest.raises(PermissionDenied):
        services.save_standard(2017, "52000", acting=world.street_hr)
    with pytest.raises(DomainError):
        services.save_standard(2017, "52000.001", acting=world.admin)


def test_budget_against_actual_for_a_street(world):
    helpers.no_allowances()
    helpers.scale(dt.date(2010, 1, 1), {}, default="3000.00")
    certification.history(world.officer, ("junior", dt.date(2018, 3, 1), 1))
    world.colleague.hire_date = dt.date(2025, 7, 1)
    certification.history(world.colleague, ("junior", dt.date(2025, 7, 1), 1))
    services.save_standard(2025, "50400", acting=world.admin)
    services.save_allocations(2025, {world.street.id: 2, world.other_street.id: 1}, acting=world.admin)
    services.close_month(dt.date(2025, 1, 1), acting=world.admin, on=dt.date(2025, 2, 1))

    report = queries.funding_report(world.street_hr, 2025)

    assert [row.street for row in report.rows] == ["甲街道"]
    row = report.rows[0]
    # Officer all year (12 × 3000) + colleague from July (6 × 3000); the stranger is in the other street.
    assert row.allocation == Decimal("100800.00")
    assert row.actual == Decimal("54000.00")
    assert row.variance == Decimal("46800.00")
    assert row.used_percent == Decimal("53.6")
    district = queries.funding_report(world.admin, 2025)
    assert district.total_allocation == Decimal("151200.00")
    assert district.total_actual == Decimal("54000.00")  # the stranger has no tier record: no pay


def test_what_if_totals_equal_the_sum_of_the_per_officer_figures_to_the_fen(world):
    helpers.no_allowances(seniority_per_year="33.33", performance_pool_share="777.77")
    helpers.scale(dt.date(2010, 1, 1), {}, default="3333.33")
    for officer in (world.officer, world.colleague, world.stranger):
        certification.history(officer, ("junior", dt.date(2018, 3, 1), 1))
    draft = services.start_scale_draft(effective_from=dt.date(2027, 1, 1), percent=Decimal("7.77"), acting=world.admin)
    services.save_standard(2027, "50400", acting=world.admin)

    result = queries.what_if(world.admin, on=dt.date(2026, 11, 30), scale=calc.ScaleChoice(scale_id=draft.id))
    by_percent = queries.what_if(world.admin, on=dt.date(2026, 11, 30), scale=calc.ScaleChoice(percent=Decimal("7.77")))

    assert result.total_proposed == sum(result.per_officer.values())
    # 3333.33 × 1.0777 = 3592.33… ; + 8 years × 33.33 + 777.77 (no grade: × 1.00) = 4636.74 a month
    assert result.per_officer[world.officer.id] == Decimal("4636.74") * 12
    assert result.total_proposed == Decimal("4636.74") * 12 * 3
    assert by_percent.total_proposed == result.total_proposed
    assert result.total_current == (Decimal("3333.33") + Decimal("266.64") + Decimal("777.77")) * 12 * 3
    assert result.total_budget == Decimal("50400.00") * 3


def test_the_years_actual_cost_is_the_sum_of_its_twelve_rosters_adjustments_included(world):
    helpers.no_allowances(performance_pool_share="777.77")
    helpers.scale(dt.date(2010, 1, 1), {("junior", 1): "3000.00", ("junior", 2): "3333.33"})
    records = certification.history(world.officer, ("junior", dt.date(2018, 3, 1), 1))
    certification.history(world.stranger, ("junior", dt.date(2026, 2, 10), 1))
    world.stranger.hire_date = dt.date(2026, 2, 10)
    for month in (1, 2, 3, 4, 5):
        services.close_month(dt.date(2026, month, 1), acting=world.admin, on=dt.date(2026, 6, 3))
    records[0].effective_to = dt.date(2026, 3, 17)  # corrected back into closed March
    db.session.flush()
    db.session.add(
        TierRecord(
            officer_id=world.officer.id,
            tier_id=certification.ladder()["junior"].id,
            step=2,
            reason="correction",
            effective_from=dt.date(2026, 3, 17),
        )
    )
    db.session.flush()

    rosters = [queries.roster(world.admin, dt.date(2026, month, 1)) for month in range(1, 13)]
    cost = queries.actual_cost_by_street(2026, sa.true())

    june = {line.officer_id: line for line in rosters[5].lines}
    # March 17–31 (15 days) and April, May at 333.33 more: 333.33 × 15 / 31 = 161.29; + 333.33 × 2
    assert june[world.officer.id].adjustment == Decimal("161.29") + Decimal("666.66")
    assert sum(cost.values()) == sum(roster.grand_total()["total"] for roster in rosters)
    assert cost[world.other_street.id] == sum(
        line.total for roster in rosters for line in roster.lines if line.street_id == world.other_street.id
    )
