"""Integrity spot-checks: plans, checklist templates, checks, inspectors, findings and their
responsible officers, amendments, evidence, rectification, accountability, appeals and draws.

Revision ID: 7bdaeda9178f
Revises: 5e1d7c0a9b42
Create Date: 2026-11-30 10:49:56.010375

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7bdaeda9178f"
down_revision = "5e1d7c0a9b42"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "integrity_checklist_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_checklist_templates")),
        sa.UniqueConstraint("target_type", "version", name="uq_integrity_checklist_templates_version"),
    )
    op.create_table(
        "integrity_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("random_count", sa.Integer(), nullable=False),
        sa.Column("weighted_count", sa.Integer(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("pool", sa.JSON(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("picks", sa.JSON(), nullable=False),
        sa.Column("run_by_id", sa.Integer(), nullable=True),
        sa.Column("run_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_integrity_draws_period")),
        sa.ForeignKeyConstraint(["run_by_id"], ["users.id"], name=op.f("fk_integrity_draws_run_by_id_users")),
        sa.ForeignKeyConstraint(["street_id"], ["streets.id"], name=op.f("fk_integrity_draws_street_id_streets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_draws")),
    )
    op.create_table(
        "integrity_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("scope_kind", sa.String(length=10), nullable=False),
        sa.Column("scope", sa.String(length=300), nullable=False),
        sa.Column("lead_unit", sa.String(length=120), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "mode IN ('announced', 'unannounced', 'cross', 'third_party')", name=op.f("ck_integrity_plans_mode")
        ),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_integrity_plans_period")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_integrity_plans_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_plans")),
    )
    op.create_table(
        "integrity_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("target_type", sa.String(length=10), nullable=False),
        sa.Column("target_officer_id", sa.Integer(), nullable=True),
        sa.Column("target_label", sa.String(length=120), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("result_code", sa.String(length=2), nullable=True),
        sa.Column("draw_id", sa.Integer(), nullable=True),
        sa.Column("outside_draw_reason", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'submitted', 'closed')", name=op.f("ck_integrity_checks_status")),
        sa.CheckConstraint(
            "target_type IN ('officer', 'window', 'post', 'unit')", name=op.f("ck_integrity_checks_target_type")
        ),
        sa.CheckConstraint(
            "ended_at IS NULL OR started_at IS NULL OR ended_at >= started_at", name=op.f("ck_integrity_checks_times")
        ),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"], name=op.f("fk_integrity_checks_closed_by_id_users")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_integrity_checks_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["draw_id"], ["integrity_draws.id"], name=op.f("fk_integrity_checks_draw_id_integrity_draws")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["integrity_plans.id"], name=op.f("fk_integrity_checks_plan_id_integrity_plans")
        ),
        sa.ForeignKeyConstraint(["street_id"], ["streets.id"], name=op.f("fk_integrity_checks_street_id_streets")),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_integrity_checks_submitted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["target_officer_id"], ["officers.id"], name=op.f("fk_integrity_checks_target_officer_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["integrity_checklist_templates.id"],
            name=op.f("fk_integrity_checks_template_id_integrity_checklist_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_checks")),
        sa.UniqueConstraint("number", name=op.f("uq_integrity_checks_number")),
    )
    with op.batch_alter_table("integrity_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integrity_checks_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_integrity_checks_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_integrity_checks_street_id"), ["street_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_integrity_checks_target_officer_id"), ["target_officer_id"], unique=False)

    op.create_table(
        "integrity_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("decision_no", sa.String(length=60), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"], ["integrity_checks.id"], name=op.f("fk_integrity_actions_check_id_integrity_checks")
        ),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], name=op.f("fk_integrity_actions_officer_id_officers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_actions")),
    )
    with op.batch_alter_table("integrity_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integrity_actions_check_id"), ["check_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_integrity_actions_officer_id"), ["officer_id"], unique=False)

    op.create_table(
        "integrity_amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"], ["integrity_checks.id"], name=op.f("fk_integrity_amendments_check_id_integrity_checks")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_integrity_amendments_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_amendments")),
    )
    with op.batch_alter_table("integrity_amendments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integrity_amendments_check_id"), ["check_id"], unique=False)

    op.create_table(
        "integrity_check_inspectors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("no_conflict", sa.Boolean(), nullable=False),
        sa.Column("declared_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["check_id"], ["integrity_checks.id"], name=op.f("fk_integrity_check_inspectors_check_id_integrity_checks")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_integrity_check_inspectors_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_check_inspectors")),
        sa.UniqueConstraint("check_id", "user_id", name="uq_integrity_check_inspectors_check_user"),
    )
    with op.batch_alter_table("integrity_check_inspectors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integrity_check_inspectors_check_id"), ["check_id"], unique=False)

    op.create_table(
        "integrity_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"], ["integrity_checks.id"], name=op.f("fk_integrity_evidence_check_id_integrity_checks")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_integrity_evidence_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_evidence")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_integrity_evidence_stored_name")),
    )
    with op.batch_alter_table("integrity_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integrity_evidence_check_id"), ["check_id"], unique=False)

    op.create_table(
        "integrity_rectifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("notice_no", sa.String(length=40), nullable=False),
        sa.Column("owner_officer_id", sa.Integer(), nullable=True),
        sa.Column("owner_unit", sa.String(length=120), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reinspection_check_id", sa.Integer(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'in_progress', 'awaiting_review', 'passed', 'failed', 'overdue')",
            name=op.f("ck_integrity_rectifications_status"),
        ),
        sa.ForeignKeyConstraint(
            ["check_id"], ["integrity_checks.id"], name=op.f("fk_integrity_rectifications_check_id_integrity_checks")
        ),
        sa.ForeignKeyConstraint(
            ["owner_officer_id"], ["officers.id"], name=op.f("fk_integrity_rectifications_owner_officer_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["reinspection_check_id"],
            ["integrity_checks.id"],
            name=op.f("fk_integrity_rectifications_reinspection_check_id_integrity_checks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_rectifications")),
        sa.UniqueConstraint("notice_no", name=op.f("uq_integrity_rectifications_notice_no")),
    )
    with op.batch_alter_table("integrity_rectifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integrity_rectifications_check_id"), ["check_id"], unique=False)

    op.create_table(
        "integrity_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("decision_note", sa.String(length=2000), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('upheld', 'changed', 'revoked')", name=op.f("ck_integrity_appeals_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["integrity_amendments.id"],
            name=op.f("fk_integrity_appeals_amendment_id_integrity_amendments"),
        ),
        sa.ForeignKeyConstraint(
            ["check_id"], ["integrity_checks.id"], name=op.f("fk_integrity_appeals_check_id_integrity_checks")
        ),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_integrity_appeals_decided_by_id_users")),
        sa.ForeignKeyConstraint(["filed_by_id"], ["users.id"], name=op.f("fk_integrity_appeals_filed_by_id_users")),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], name=op.f("fk_integrity_appeals_officer_id_officers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_appeals")),
    )
    with op.batch_alter_table("integrity_appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integrity_appeals_check_id"), ["check_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_integrity_appeals_officer_id"), ["officer_id"], unique=False)

    op.create_table(
        "integrity_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("deduction", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("amends_id", sa.Integer(), nullable=True),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("deduction >= 0", name=op.f("ck_integrity_findings_deduction")),
        sa.CheckConstraint("severity BETWEEN 1 AND 4", name=op.f("ck_integrity_findings_severity")),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["integrity_amendments.id"],
            name=op.f("fk_integrity_findings_amendment_id_integrity_amendments"),
        ),
        sa.ForeignKeyConstraint(
            ["amends_id"], ["integrity_findings.id"], name=op.f("fk_integrity_findings_amends_id_integrity_findings")
        ),
        sa.ForeignKeyConstraint(
            ["check_id"], ["integrity_checks.id"], name=op.f("fk_integrity_findings_check_id_integrity_checks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_findings")),
        sa.UniqueConstraint("amends_id", name=op.f("uq_integrity_findings_amends_id")),
    )
    with op.batch_alter_table("integrity_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integrity_findings_check_id"), ["check_id"], unique=False)

    op.create_table(
        "integrity_finding_officers",
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["integrity_findings.id"],
            name=op.f("fk_integrity_finding_officers_finding_id_integrity_findings"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.id"], name=op.f("fk_integrity_finding_officers_officer_id_officers")
        ),
        sa.PrimaryKeyConstraint("finding_id", "officer_id", name=op.f("pk_integrity_finding_officers")),
    )
    with op.batch_alter_table("integrity_finding_officers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integrity_finding_officers_officer_id"), ["officer_id"], unique=False)


def downgrade():
    with op.batch_alter_table("integrity_finding_officers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_finding_officers_officer_id"))

    op.drop_table("integrity_finding_officers")
    with op.batch_alter_table("integrity_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_findings_check_id"))

    op.drop_table("integrity_findings")
    with op.batch_alter_table("integrity_appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_appeals_officer_id"))
        batch_op.drop_index(batch_op.f("ix_integrity_appeals_check_id"))

    op.drop_table("integrity_appeals")
    with op.batch_alter_table("integrity_rectifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_rectifications_check_id"))

    op.drop_table("integrity_rectifications")
    with op.batch_alter_table("integrity_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_evidence_check_id"))

    op.drop_table("integrity_evidence")
    with op.batch_alter_table("integrity_check_inspectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_check_inspectors_check_id"))

    op.drop_table("integrity_check_inspectors")
    with op.batch_alter_table("integrity_amendments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_amendments_check_id"))

    op.drop_table("integrity_amendments")
    with op.batch_alter_table("integrity_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_actions_officer_id"))
        batch_op.drop_index(batch_op.f("ix_integrity_actions_check_id"))

    op.drop_table("integrity_actions")
    with op.batch_alter_table("integrity_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_checks_target_officer_id"))
        batch_op.drop_index(batch_op.f("ix_integrity_checks_street_id"))
        batch_op.drop_index(batch_op.f("ix_integrity_checks_status"))
        batch_op.drop_index(batch_op.f("ix_integrity_checks_plan_id"))

    op.drop_table("integrity_checks")
    op.drop_table("integrity_plans")
    op.drop_table("integrity_draws")
    op.drop_table("integrity_checklist_templates")
