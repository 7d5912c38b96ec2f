"""Pay scales, allowance rules, closed monthly rosters and funding.

Money is Numeric(12, 2) / Decimal. Pay scales and allowance rule sets are versions valid over
[effective_from, effective_to): a draft is edited freely, approval puts it in force (and closes the
version it supersedes) and locks it; a change after that is a new version, never an edit.
"""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrapp.core.audit import Audited, list_page, record_page
from hrapp.core.db import EffectiveDatedMixin, TimestampMixin, utcnow
from hrapp.core.money import Money
from hrapp.extensions import db

VERSION_STATUSES = {"draft": _l("Draft"), "approved": _l("Approved (locked)")}

# Field labels shared by the two kinds of versions, for the audit trail.
_VERSION_FIELDS = {
    "version": _l("Version"),
    "effective_from": _l("Effective from"),
    "effective_to": _l("Effective until"),
    "document_no": _l("Approval document number"),
    "status": _l("Status"),
    "note": _l("Note"),
    "created_by_id": _l("Created by"),
    "approved_by_id": _l("Approved by"),
    "approved_at": _l("Approved at"),
}


class PayScale(Audited, EffectiveDatedMixin, TimestampMixin, db.Model):
    """One version of the pay scale. Approved versions never overlap; a draft has no end date."""

    __tablename__ = "pay_scales"
    __audit_label__ = _l("Pay scale")
    __audit_title__ = "title"
    __audit_link__ = record_page("pay.scale_detail", "scale_id")
    __audit_choices__ = {"status": VERSION_STATUSES}
    __audit_fields__ = {**_VERSION_FIELDS, "name": _l("Scale name"), "based_on_id": _l("Based on version")}

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    document_no: Mapped[str] = mapped_column(sa.String(60), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default="draft", index=True)
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pay_scales.id"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None]

    cells = relationship("PayScaleCell", back_populates="scale", cascade="all, delete-orphan")
    approved_by = relationship("User", foreign_keys=[approved_by_id])

    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'approved')", name="status"),
        sa.CheckConstraint("effective_to IS NULL OR effective_to > effective_from", name="period"),
    )

    @property
    def locked(self) -> bool:
        return self.status != "draft"

    @property
    def status_label(self) -> str:
        return str(VERSION_STATUSES.get(self.status, self.status))

    @property
    def title(self) -> str:
        title = _("Version %(version)s", version=self.version)
        return f"{title} {self.name}" if self.name else title


class PayScaleCell(Audited, db.Model):
    __tablename__ = "pay_scale_cells"
    __audit_label__ = _l("Pay scale amount")
    __audit_title__ = "title"
    __audit_link__ = list_page("pay.scales")
    __audit_fields__ = {
        "scale_id": _l("Pay scale"),
        "tier_id": _l("Tier"),
        "step": _l("Step"),
        "monthly_base": _l("Monthly base pay"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(sa.ForeignKey("pay_scales.id"), index=True)
    tier_id: Mapped[int] = mapped_column(sa.ForeignKey("tiers.id"))
    step: Mapped[int]
    monthly_base: Mapped[decimal.Decimal] = mapped_column(Money)

    scale = relationship("PayScale", back_populates="cells")
    tier = relationship("Tier", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("scale_id", "tier_id", "step"),
        sa.CheckConstraint("step >= 1 AND step <= 8", name="step"),
        sa.CheckConstraint("monthly_base >= 0", name="monthly_base"),
    )

    @property
    def title(self) -> str:
        return _("%(tier)s, step %(step)s", tier=self.tier.label, step=self.step)


class AllowanceRuleSet(Audited, EffectiveDatedMixin, TimestampMixin, db.Model):
    """The allowance rules of one version: seniority per full year of service (counted on the first
    of the month), a skill-certificate allowance per valid certificate, a grid difficulty allowance
    by grid type, and performance pay = monthly pool share × the grade coefficient."""

    __tablename__ = "allowance_rule_sets"
    __audit_label__ = _l("Allowance rules")
    __audit_title__ = "title"
    __audit_link__ = list_page("pay.rules")
    __audit_choices__ = {"status": VERSION_STATUSES}
    __audit_fields__ = {
        **_VERSION_FIELDS,
        "seniority_per_year": _l("Seniority allowance per year of service"),
        "seniority_max_years": _l("Years counted at most"),
        "certificate_amount": _l("Skill certificate allowance per certificate"),
        "certificate_max_count": _l("Certificates counted at most"),
        "difficulty_residential": _l("Grid difficulty: residential"),
        "difficulty_commercial": _l("Grid difficulty: commercial"),
        "difficulty_urban_village": _l("Grid difficulty: urban village"),
        "difficulty_special": _l("Grid difficulty: special"),
        "performance_pool_share": _l("Performance pool share per officer and month"),
        "coefficient_excellent": _l("Coefficient: excellent (优秀)"),
        "coefficient_qualified": _l("Coefficient: qualified (合格)"),
        "coefficient_basic": _l("Coefficient: basically qualified (基本合格)"),
        "coefficient_unqualified": _l("Coefficient: unqualified (不合格)"),
        "coefficient_none": _l("Coefficient: no annual result yet"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    document_no: Mapped[str] = mapped_column(sa.String(60), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default="draft", index=True)
    seniority_per_year: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("50.00"))
    seniority_max_years: Mapped[int] = mapped_column(default=30)
    certificate_amount: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("200.00"))
    certificate_max_count: Mapped[int] = mapped_column(default=2)
    difficulty_residential: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("0.00"))
    difficulty_commercial: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("150.00"))
    difficulty_urban_village: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("400.00"))
    difficulty_special: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("250.00"))
    performance_pool_share: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("800.00"))
    coefficient_excellent: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(4, 2), default=decimal.Decimal("1.20"))
    coefficient_qualified: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(4, 2), default=decimal.Decimal("1.00"))
    coefficient_basic: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(4, 2), default=decimal.Decimal("0.70"))
    coefficient_unqualified: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(4, 2), default=decimal.Decimal("0.00"))
    # No annual result yet (a new hire): paid as 合格 by default.
    coefficient_none: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(4, 2), default=decimal.Decimal("1.00"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None]

    approved_by = relationship("User", foreign_keys=[approved_by_id])

    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'approved')", name="status"),
        sa.CheckConstraint("effective_to IS NULL OR effective_to > effective_from", name="period"),
        sa.CheckConstraint(
            "seniority_per_year >= 0 AND certificate_amount >= 0 AND difficulty_residential >= 0"
            " AND difficulty_commercial >= 0 AND difficulty_urban_village >= 0 AND difficulty_special >= 0"
            " AND performance_pool_share >= 0",
            name="amounts",
        ),
        sa.CheckConstraint("seniority_max_years >= 0 AND certificate_max_count >= 0", name="caps"),
    )

    @property
    def locked(self) -> bool:
        return self.status != "draft"

    @property
    def status_label(self) -> str:
        return str(VERSION_STATUSES.get(self.status, self.status))

    @property
    def title(self) -> str:
        return _("Version %(version)s", version=self.version)


class PayMonth(Audited, db.Model):
    """A closed month: its roster is frozen in PayRosterLine rows (who closed it, when)."""

    __tablename__ = "pay_months"
    __audit_label__ = _l("Closed pay month")
    __audit_title__ = "title"
    __audit_link__ = list_page("pay.roster")
    __audit_fields__ = {
        "month": _l("Month"),
        "closed_at": _l("Closed at"),
        "closed_by_id": _l("Closed by"),
        "line_count": _l("Officers paid"),
        "total": _l("Total"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[dt.date] = mapped_column(unique=True)  # the first day of the month
    closed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    line_count: Mapped[int] = mapped_column(default=0)
    total: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("0.00"))

    closed_by = relationship("User", foreign_keys=[closed_by_id])

    @property
    def title(self) -> str:
        return f"{self.month:%Y-%m}"


class PayRosterLine(db.Model):
    """One officer's pay for a closed month, as it was paid. Written in bulk at the close (the
    close itself is the audited event) and never changed afterwards."""

    __tablename__ = "pay_roster_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    pay_month_id: Mapped[int] = mapped_column(sa.ForeignKey("pay_months.id"), index=True)
    month: Mapped[dt.date] = mapped_column(index=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("streets.id"), index=True)
    days: Mapped[int]
    base: Mapped[decimal.Decimal] = mapped_column(Money)
    seniority: Mapped[decimal.Decimal] = mapped_column(Money)
    certificate: Mapped[decimal.Decimal] = mapped_column(Money)
    difficulty: Mapped[decimal.Decimal] = mapped_column(Money)
    performance: Mapped[decimal.Decimal] = mapped_column(Money)
    adjustment: Mapped[decimal.Decimal] = mapped_column(Money)
    total: Mapped[decimal.Decimal] = mapped_column(Money)

    __table_args__ = (sa.UniqueConstraint("month", "officer_id"),)


class FundingStandard(Audited, TimestampMixin, db.Model):
    """The annual funding standard per officer (年度经费核拨标准) of one year."""

    __tablename__ = "funding_standards"
    __audit_label__ = _l("Funding standard")
    __audit_title__ = "year"
    __audit_link__ = list_page("pay.funding")
    __audit_fields__ = {
        "year": _l("Year"),
        "amount_per_officer": _l("Yuan per officer per year"),
        "document_no": _l("Document number"),
        "note": _l("Note"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    amount_per_officer: Mapped[decimal.Decimal] = mapped_column(Money)
    document_no: Mapped[str] = mapped_column(sa.String(60), default="")
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    __table_args__ = (sa.CheckConstraint("amount_per_officer > 0", name="amount"),)


class FundingAllocation(Audited, TimestampMixin, db.Model):
    """A street's budgeted headcount for a year; the allocation is headcount × the year's standard."""

    __tablename__ = "funding_allocations"
    __audit_label__ = _l("Funding allocation")
    __audit_title__ = "title"
    __audit_link__ = list_page("pay.funding")
    __audit_fields__ = {
        "street_id": _l("Street"),
        "year": _l("Year"),
        "budgeted_headcount": _l("Budgeted headcount"),
        "note": _l("Note"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("streets.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    budgeted_headcount: Mapped[int]
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    street = relationship("Street", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("street_id", "year"),
        sa.CheckConstraint("budgeted_headcount >= 0", name="headcount"),
    )

    @property
    def title(self) -> str:
        return f"{self.street.name} {self.year}"
