"""Money is Decimal in yuan with two places (stored as Numeric(12, 2)); never float."""

from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

CENT = Decimal("0.01")
Money = sa.Numeric(12, 2)


def yuan(value) -> Decimal:
    """Round to the fen, half up, as payroll does."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def format_yuan(value) -> str:
    return f"¥{yuan(value):,.2f}" if value is not None else ""
