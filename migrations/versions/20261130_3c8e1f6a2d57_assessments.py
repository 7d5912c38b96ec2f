"""Assessments: versioned schemes, assessments per officer, period and version, their issued
documents (archive path, SHA-256, verification code) and appeals.

Revision ID: 3c8e1f6a2d57
Revises: c4e7a2d91b05
Create Date: 2026-11-30 12:09:20.986593

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c8e1f6a2d57"
down_revision = "c4e7a2d91b05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assessment_schemes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_schemes")),
        sa.UniqueConstraint("version", name=op.f("uq_assessment_schemes_version")),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("tier_code", sa.String(length=20), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("computed_score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("adjustment", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("adjustment_reason", sa.String(length=300), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("veto_reason", sa.String(length=200), nullable=False),
        sa.Column("capped", sa.Boolean(), nullable=False),
        sa.Column("training_hours", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("training_required", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("review_comment", sa.String(length=500), nullable=False),
        sa.Column("reviewed_by", sa.String(length=80), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("issued_by", sa.String(length=80), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("grade >= 1 AND grade <= 4", name=op.f("ck_assessments_grade")),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_assessments_grid_id_grids")),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], name=op.f("fk_assessments_officer_id_officers")),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["assessment_schemes.id"], name=op.f("fk_assessments_scheme_id_assessment_schemes")
        ),
        sa.ForeignKeyConstraint(["street_id"], ["streets.id"], name=op.f("fk_assessments_street_id_streets")),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["assessments.id"], name=op.f("fk_assessments_supersedes_id_assessments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("officer_id", "period", "version", name=op.f("uq_assessments_officer_id_period_version")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessments_officer_id"), ["officer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessments_period"), ["period"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessments_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessments_street_id"), ["street_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessments_supersedes_id"), ["supersedes_id"], unique=False)

    op.create_table(
        "assessment_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decision", sa.String(length=500), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name=op.f("fk_assessment_appeals_assessment_id_assessments")
        ),
        sa.ForeignKeyConstraint(
            ["result_id"], ["assessments.id"], name=op.f("fk_assessment_appeals_result_id_assessments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_appeals")),
    )
    with op.batch_alter_table("assessment_appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_appeals_assessment_id"), ["assessment_id"], unique=False)

    op.create_table(
        "assessment_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name=op.f("fk_assessment_documents_assessment_id_assessments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_documents")),
        sa.UniqueConstraint("assessment_id", name=op.f("uq_assessment_documents_assessment_id")),
        sa.UniqueConstraint("code", name=op.f("uq_assessment_documents_code")),
    )


def downgrade():
    op.drop_table("assessment_documents")
    with op.batch_alter_table("assessment_appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_appeals_assessment_id"))

    op.drop_table("assessment_appeals")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_supersedes_id"))
        batch_op.drop_index(batch_op.f("ix_assessments_street_id"))
        batch_op.drop_index(batch_op.f("ix_assessments_status"))
        batch_op.drop_index(batch_op.f("ix_assessments_period"))
        batch_op.drop_index(batch_op.f("ix_assessments_officer_id"))

    op.drop_table("assessments")
    op.drop_table("assessment_schemes")
