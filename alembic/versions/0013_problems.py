"""Problems to coordinate (问题清单): a report's 存在问题 tracked to its close, with every transition's who and when.

Revision ID: 0013_problems
Revises: 0012_accounts_self
Create Date: 2026-12-06
"""

import sqlalchemy as sa

from alembic import op

revision = "0013_problems"
down_revision = "0012_accounts_self"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "problems",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("progress_reports.id", ondelete="SET NULL"), nullable=True),
        sa.Column("source_month", sa.Date, nullable=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=True),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), server_default="open", nullable=False),
        sa.Column("resolution", sa.Text, nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        # The days the overdue rule reads, by Weihai's calendar (the app's clock, which tests may pin).
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("resolved_on", sa.Date, nullable=True),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("demo", sa.Boolean, server_default="false", nullable=False),
        sa.CheckConstraint("status IN ('open', 'coordinating', 'resolved')", name="problem_status_known"),
        # A closed (销号) problem always says how it was solved and when.
        sa.CheckConstraint(
            "status <> 'resolved' OR (resolution IS NOT NULL AND resolved_at IS NOT NULL AND resolved_on IS NOT NULL)",
            name="problem_resolved_has_note",
        ),
        sa.CheckConstraint(
            "source_month IS NULL OR source_month = date_trunc('month', source_month)::date",
            name="problem_month_is_first_day",
        ),
    )
    op.create_index("ix_problems_project_id", "problems", ["project_id"])
    op.create_table(
        "problem_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("problem_id", sa.Integer, sa.ForeignKey("problems.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("actor_name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("changes", sa.Text, nullable=True),
        sa.CheckConstraint("kind IN ('create', 'edit', 'transition')", name="problem_event_kind_known"),
    )
    op.create_index("ix_problem_events_problem_id", "problem_events", ["problem_id"])


def downgrade() -> None:
    op.drop_table("problem_events")
    op.drop_table("problems")
