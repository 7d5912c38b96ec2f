"""Normalise stored ID numbers (NFKC, ASCII digits and X): a number once typed with fullwidth digits
was stored as a second spelling of a registered one. Data only; the schema does not change.

Revision ID: 5e1d7c0a9b42
Revises: 5d7c2e91b4a0
Create Date: 2026-11-30 11:00:00

"""

import logging
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "5e1d7c0a9b42"
down_revision = "5d7c2e91b4a0"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
officers = sa.table("officers", sa.column("id", sa.Integer), sa.column("id_number", sa.String))


def _normalised(value: str) -> str:
    # The same rule as hrapp.core.idcard.normalise, copied: a migration must not change when the app does.
    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def normalise_id_numbers(connection) -> list[int]:
    """Rewrite every stored number to its normal spelling. A number whose normal spelling belongs
    to another officer already is left as it is and its officer id returned: two records of one
    person need a person to merge them."""
    rows = connection.execute(sa.select(officers.c.id, officers.c.id_number)).all()
    taken = {row.id_number for row in rows}
    duplicates = []
    for row in rows:
        value = _normalised(row.id_number)
        if value == row.id_number:
            continue
        if value in taken:
            duplicates.append(row.id)
            continue
        connection.execute(officers.update().where(officers.c.id == row.id).values(id_number=value))
        taken.add(value)
    return duplicates


def upgrade():
    duplicates = normalise_id_numbers(op.get_bind())
    if duplicates:
        log.warning("Officers whose ID number duplicates another officer's once normalised: %s", duplicates)


def downgrade():
    pass  # the other spellings are not kept; the normal one is valid under every version
