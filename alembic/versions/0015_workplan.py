"""A project's work plan: monthly planned investment beside the planned progress, milestones, the responsible leader.

Revision ID: 0015_workplan
Revises: 0014_projects_edit
Create Date: 2026-12-06
"""

import sqlalchemy as sa

from alembic import op

revision = "0015_workplan"
down_revision = "0014_projects_edit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A month may plan investment without a progress figure; the lights then keep the previous month's plan.
    op.add_column("progress_plans", sa.Column("planned_investment", sa.Numeric(12, 2), nullable=True))
    op.alter_column("progress_plans", "planned_progress", existing_type=sa.Numeric(5, 2), nullable=True)
    op.create_check_constraint(
        "plan_investment_nonneg", "progress_plans", "planned_investment IS NULL OR planned_investment >= 0"
    )
    for column in ("leader_name", "leader_title", "leader_unit"):
        op.add_column("projects", sa.Column(column, sa.Text, nullable=True))
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("planned_date", sa.Date, nullable=False),
        sa.Column("done_date", sa.Date, nullable=True),
        sa.Column("responsible_unit", sa.Text, nullable=True),
        sa.Column("evidence_photo_id", sa.Integer, sa.ForeignKey("photos.id", ondelete="SET NULL"), nullable=True),
        sa.Column("evidence_doc_sha256", sa.String(64), nullable=True),
        sa.Column("evidence_doc_name", sa.Text, nullable=True),
        sa.Column("evidence_doc_type", sa.String(8), nullable=True),
        sa.Column("evidence_doc_size", sa.Integer, nullable=True),
        sa.Column("demo", sa.Boolean, server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("length(btrim(name)) > 0", name="milestone_named"),
        sa.CheckConstraint(
            "(evidence_doc_sha256 IS NULL) = (evidence_doc_type IS NULL)", name="milestone_document_complete"
        ),
    )
    op.create_index("ix_milestones_project_id", "milestones", ["project_id"])


def downgrade() -> None:
    op.drop_index("ix_milestones_project_id", table_name="milestones")
    op.drop_table("milestones")
    for column in ("leader_unit", "leader_title", "leader_name"):
        op.drop_column("projects", column)
    op.drop_constraint("plan_investment_nonneg", "progress_plans", type_="check")
    op.execute("DELETE FROM progress_plans WHERE planned_progress IS NULL")
    op.alter_column("progress_plans", "planned_progress", existing_type=sa.Numeric(5, 2), nullable=False)
    op.drop_column("progress_plans", "planned_investment")
