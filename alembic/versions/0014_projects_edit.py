"""Projects edited in the browser: retirement (退库) columns, project_versions, reporters' project_proposals.

Revision ID: 0014_projects_edit
Revises: 0013_problems
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from alembic import op

revision = "0014_projects_edit"
down_revision = "0013_problems"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A retired project keeps its row, reports and photos; it leaves the figures from retired_month on.
    op.add_column("projects", sa.Column("retired_month", sa.Date, nullable=True))
    op.add_column("projects", sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("projects", sa.Column("retired_reason", sa.Text, nullable=True))
    op.create_check_constraint(
        "retired_month_is_first_day",
        "projects",
        "retired_month IS NULL OR retired_month = date_trunc('month', retired_month)::date",
    )
    op.create_table(
        "project_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("actor_name", sa.Text, nullable=False),
        sa.Column("changes", JSONB, nullable=False),
        sa.Column("snapshot", JSONB, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.CheckConstraint("version >= 1", name="project_version_positive"),
        sa.CheckConstraint(
            "action IN ('create', 'update', 'retire', 'restore', 'import')", name="project_version_action_known"
        ),
        sa.UniqueConstraint("project_id", "version", name="project_version_unique"),
    )
    op.create_table(
        "project_proposals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("proposed_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("proposed_by_name", sa.Text, nullable=False),
        sa.Column("changes", JSONB, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("state", sa.String(16), server_default="pending", nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decided_by_name", sa.Text, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("project_versions.id"), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'accepted', 'rejected')", name="proposal_state_known"),
        sa.CheckConstraint("state <> 'rejected' OR reason IS NOT NULL", name="proposal_rejected_has_reason"),
    )
    op.create_index("ix_project_versions_project_id", "project_versions", ["project_id"])
    op.create_index(
        "ix_project_proposals_pending",
        "project_proposals",
        ["project_id"],
        postgresql_where=sa.text("state = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("ix_project_proposals_pending", table_name="project_proposals")
    op.drop_index("ix_project_versions_project_id", table_name="project_versions")
    op.drop_table("project_proposals")
    op.drop_table("project_versions")
    op.drop_constraint("retired_month_is_first_day", "projects", type_="check")
    op.drop_column("projects", "retired_reason")
    op.drop_column("projects", "retired_at")
    op.drop_column("projects", "retired_month")
