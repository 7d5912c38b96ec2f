"""Pay and funding pages: scoping, the officer's own pay, exports read back, forms that refuse."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pypdf
import sqlalchemy as sa

from hrapp.certification.models import TierRecord
from hrapp.extensions import db
from hrapp.pay import services
from hrapp.pay.models import FundingAllocation, PayMonth, PayScale
from tests.certification import helpers as certification
from tests.pay import helpers


def _paid_world(world):
    helpers.no_allowances(performance_pool_share="800.00")
    helpers.scale(dt.date(2010, 1, 1), {}, default="3456.78")
    for officer in (world.officer, world.colleague, world.stranger):
        certification.history(officer, ("junior", dt.date(2018, 3, 1), 1))
    db.session.commit()


def test_an_officer_sees_their_own_pay_and_gets_404_for_anyone_elses(world, as_role):
    _paid_world(world)
    client = as_role("officer")

    own = client.get(f"/pay/officers/{world.officer.id}?on=2026-06-01")
    home = client.get("/me")

    assert own.status_code == 200
    assert "¥4,256.78" in own.get_data(as_text=True)  # 3456.78 + 800 × 1.00
    assert "津贴规则第 1 版" in own.get_data(as_text=True)  # each component names the rule it came from
    assert 'data-testid="pay-panel"' in home.get_data(as_text=True)
    for other in (world.colleague, world.stranger):
        assert client.get(f"/pay/officers/{other.id}").status_code == 404
    assert client.get("/pay/officers/999999").status_code == 404


def test_a_street_clerk_sees_only_their_streets_pay(world, as_role):
    _paid_world(world)
    client = as_role("street_hr")

    roster = client.get("/pay/?month=2026-06").get_data(as_text=True)

    assert world.officer.name in roster and world.colleague.name in roster
    assert world.stranger.name not in roster
    assert client.get(f"/pay/officers/{world.stranger.id}").status_code == 404
    # Asking for the other street's roster shows their own street, not the other one.
    other = client.get(f"/pay/?month=2026-06&street_id={world.other_street.id}").get_data(as_text=True)
    assert world.stranger.name not in other


def test_the_inspector_sees_no_pay_panel(world, as_role):
    _paid_world(world)
    page = as_role("inspector").get(f"/officers/{world.officer.id}").get_data(as_text=True)
    assert 'data-testid="pay-panel"' not in page
    assert 'data-testid="pay-panel"' in as_role("hr_clerk").get(f"/officers/{world.officer.id}").get_data(as_text=True)


def test_the_roster_export_reads_back_with_exact_figures(world, as_role):
    _paid_world(world)
    response = as_role("hr_clerk").get("/pay/roster.xlsx?month=2026-06")

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("月份", "工号", "姓名", "街道", "计薪天数")
    by_name = {row[2]: row for row in rows[1:]}
    line = by_name[world.officer.name]
    assert Decimal(str(line[5])) == Decimal("3456.78")
    assert Decimal(str(line[-1])) == Decimal("4256.78")
    assert isinstance(line[-1], int | float)  # a number cell, not text
    assert Decimal(str(by_name["合计"][-1])) == Decimal("4256.78") * 3


def test_closing_a_month_from_the_roster_page(world, as_role):
    _paid_world(world)
    admin = as_role("admin")
    response = admin.post("/pay/close", data={"month": "2026-05"})
    assert response.status_code == 302
    closed = db.session.scalar(sa.select(PayMonth))
    assert closed.month == dt.date(2026, 5, 1) and closed.line_count == 3
    assert closed.total == Decimal("4256.78") * 3
    page = admin.get("/pay/?month=2026-05").get_data(as_text=True)
    assert 'data-testid="closed-by"' in page
    # Closing it again is refused with a message; nothing changes.
    admin.post("/pay/close", data={"month": "2026-05"})
    assert db.session.scalar(sa.select(sa.func.count(PayMonth.id))) == 1
    assert as_role("hr_clerk").post("/pay/close", data={"month": "2026-06"}).status_code == 403


def test_editing_a_draft_scale_grid_and_refusing_bad_amounts(world, as_role):
    _paid_world(world)
    tiers = certification.ladder()
    admin = as_role("admin")
    response = admin.post(
        "/pay/scales/new", data={"effective_from": "2027-01-01", "percent": "5", "name": "2027"}, follow_redirects=False
    )
    assert response.status_code == 302
    draft = db.session.scalar(sa.select(PayScale).where(PayScale.status == "draft"))
    cell = f"cell-{tiers['junior'].id}-1"
    bad = admin.post(f"/pay/scales/{draft.id}/edit", data={"effective_from": "2027-01-01", cell: "12.345"})
    assert bad.status_code == 200
    assert "两位小数" in bad.get_data(as_text=True) or "two decimal" in bad.get_data(as_text=True)
    good = admin.post(f"/pay/scales/{draft.id}/edit", data={"effective_from": "2027-01-01", cell: "3,700.50"})
    assert good.status_code == 302
    admin.post(f"/pay/scales/{draft.id}/approve", data={"document_no": "深福人〔2026〕9号"})
    db.session.expire_all()
    draft = db.session.get(PayScale, draft.id)
    assert draft.status == "approved"
    assert {c.monthly_base for c in draft.cells if c.tier_id == tiers["junior"].id and c.step == 1} == {
        Decimal("3700.50")
    }
    # 3456.78 × 1.05 = 3629.619 → 3629.62 on every other cell
    assert {c.monthly_base for c in draft.cells if c.step == 2} == {Decimal("3629.62")}


def _funding_world(world):
    _paid_world(world)
    token = services.save_standard(2026, "50400", acting=world.admin)
    services.save_standard(2025, "48000", acting=world.admin)
    assert token
    db.session.add(FundingAllocation(street_id=world.street.id, year=2026, budgeted_headcount=2))
    db.session.add(FundingAllocation(street_id=world.other_street.id, year=2026, budgeted_headcount=1))
    db.session.commit()


def test_the_funding_report_exports_as_xlsx_and_pdf_with_its_figures_and_chinese_text(world, as_role):
    _funding_world(world)
    client = as_role("hr_clerk")

    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/funding/2026.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("街道", "预算编制人数", "核拨经费", "实际支出")
    street_row = next(row for row in rows if row[0] == "甲街道")
    assert Decimal(str(street_row[2])) == Decimal("100800.00")
    assert Decimal(str(street_row[3])) == Decimal("4256.78") * 12 * 2

    response = client.get("/funding/2026.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "网格员经费年度报告" in text
    assert "甲街道" in text and "乙街道" in text
    assert "100,800.00" in text and "151,200.00" in text
    assert f"{Decimal('4256.78') * 24:,.2f}" in text
    assert "+5.0 %" in text  # 48,000 → 50,400
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("HrappCJK" in name or "WenQuanYi" in name or "Micro" in name for name in fonts), fonts


def test_the_funding_page_shows_the_growth_over_a_span(world, as_role):
    services.save_standard(2011, "30400", acting=world.admin)
    services.save_standard(2016, "50400", acting=world.admin)
    db.session.commit()
    page = as_role("hr_clerk").get("/funding/?from=2011&to=2016").get_data(as_text=True)
    assert "+65.8 %" in page
    assert "data-chart=" in page and "<script>" not in page


def test_a_street_clerk_cannot_change_funding_and_bad_headcounts_change_nothing(world, as_role):
    _funding_world(world)
    assert (
        as_role("street_hr").post("/funding/standards", data={"year": "2027", "amount_per_officer": "1"}).status_code
        == 403
    )
    hr = as_role("hr_clerk")
    hr.post("/funding/2026/allocations", data={f"street-{world.street.id}": "abc"})
    hr.post("/funding/2026/allocations", data={f"street-{world.street.id}": "-5"})
    assert (
        db.session.scalar(
            sa.select(FundingAllocation.budgeted_headcount).where(FundingAllocation.street_id == world.street.id)
        )
        == 2
    )
    hr.post("/funding/2026/allocations", data={f"street-{world.street.id}": "7"})
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(FundingAllocation.budgeted_headcount).where(FundingAllocation.street_id == world.street.id)
        )
        == 7
    )


def test_bad_query_arguments_never_fail(world, as_role):
    _paid_world(world)
    client = as_role("admin")
    for url in (
        "/pay/?month=2026-13",
        "/pay/?month=abc&street_id=x&page=-4",
        "/pay/officers/1?on=2026-02-30",
        "/pay/scales?on=yesterday",
        "/pay/what-if?scale_id=abc&percent=x",
        "/pay/what-if?percent=5&street_id=99999",
        "/funding/?from=1&to=abc",
        "/funding/1999",
    ):
        assert client.get(url).status_code in (200, 404), url


def test_the_what_if_page_totals(world, as_role):
    _funding_world(world)
    page = as_role("admin").get("/pay/what-if?percent=10").get_data(as_text=True)
    # (3456.78 × 1.1 = 3802.458 → 3802.46; + 800) × 12 × 3 officers
    assert f"¥{(Decimal('3802.46') + 800) * 36:,.2f}" in page


def _cell(sheet, row: int, header: str):
    headers = [cell.value for cell in sheet[1]]
    return sheet.cell(row=row, column=headers.index(header) + 1)


def test_the_roster_export_keeps_a_negative_adjustment_numeric(world, as_role):
    """The shared writer neutralises formula-like text; a negative amount is a number, not text."""
    helpers.no_allowances()
    helpers.scale(dt.date(2010, 1, 1), {("junior", 1): "3000.00", ("junior", 2): "3200.00"})
    records = certification.history(world.officer, ("junior", dt.date(2018, 3, 1), 2))
    services.close_month(dt.date(2026, 5, 1), acting=world.admin, on=dt.date(2026, 6, 3))
    # A retroactive correction downwards: from 17 May at step 1, 200 a month less.
    records[0].effective_to = dt.date(2026, 5, 17)
    db.session.flush()
    db.session.add(
        TierRecord(
            officer_id=world.officer.id,
            tier_id=certification.ladder()["junior"].id,
            step=1,
            reason="correction",
            effective_from=dt.date(2026, 5, 17),
        )
    )
    db.session.commit()

    response = as_role("hr_clerk").get("/pay/roster.xlsx?month=2026-06")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    row = next(cell.row for cell in sheet["C"] if cell.value == world.officer.name)
    adjustment = _cell(sheet, row, "补发/扣减")
    assert adjustment.data_type == "n" and Decimal(str(adjustment.value)) == Decimal("-96.77")
    total = _cell(sheet, row, "合计")
    assert total.data_type == "n" and Decimal(str(total.value)) == Decimal("2903.23")
    assert all(not str(cell.value).startswith("'") for line in sheet.iter_rows() for cell in line)


def test_the_funding_export_keeps_an_overspend_numeric(world, as_role):
    _funding_world(world)
    sheet = openpyxl.load_workbook(io.BytesIO(as_role("hr_clerk").get("/funding/2026.xlsx").data)).active
    row = next(cell.row for cell in sheet["A"] if cell.value == "甲街道")
    variance = sheet.cell(row=row, column=5)
    assert variance.data_type == "n" and variance.value < 0
    assert sheet.cell(row=row, column=2).value == 2 and sheet.cell(row=row, column=2).data_type == "n"


def test_dates_beyond_the_pay_years_are_ignored_or_refused(world, as_role):
    """A date argument far out (year 1, year 9999) must not reach date arithmetic that overflows."""
    _paid_world(world)
    client = as_role("admin")
    for url in (
        f"/pay/officers/{world.officer.id}?on=0001-01-01",
        f"/pay/officers/{world.officer.id}?on=9999-12-31",
        "/pay/scales?on=0001-01-01",
        "/pay/scales?on=9999-12-31",
        "/pay/?month=9999-12",
        "/pay/roster.xlsx?month=0001-01",
    ):
        assert client.get(url).status_code == 200, url
    for month in ("0001-01", "1999-12", "9999-12"):
        response = client.post("/pay/close", data={"month": month}, follow_redirects=True)
        assert response.status_code == 200
        assert "2000" in response.get_data(as_text=True) and "2100" in response.get_data(as_text=True), month
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PayMonth)) == 0, month
