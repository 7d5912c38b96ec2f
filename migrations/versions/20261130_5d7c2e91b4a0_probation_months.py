"""Promotion rules: minimum months in the current tier (the probation period)

Revision ID: 5d7c2e91b4a0
Revises: 5e55a7c0b2d1
Create Date: 2026-11-30

Existing rule versions keep no months criterion (versions are never edited); an administrator
adds one with a new version. Fresh databases get DOMAIN.md's default of 3 months for 初级.
"""

import sqlalchemy as sa
from alembic import op

revision = "5d7c2e91b4a0"
down_revision = "5e55a7c0b2d1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("promotion_rule_sets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_months_in_tier", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("promotion_rule_sets", schema=None) as batch_op:
        batch_op.drop_column("min_months_in_tier")
