"""Monthly progress reports (每月调度) with correction history, and optional monthly progress plans.

Revision ID: 0004_progress
Revises: 0002_photos
Create Date: 2026-11-25
"""

import sqlalchemy as sa

from alembic import op

revision = "0004_progress"
down_revision = "0002_photos"  # chained after main's head at merge time (was "0001")
branch_labels = None
depends_on = None

STATUS_CODES = (
    "planning",
    "construction",
    "completed",
    "stalled",
)  # frozen copy: migrations must not change with the code


def upgrade() -> None:
    statuses = ", ".join(f"'{s}'" for s in STATUS_CODES)
    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("progress", sa.Numeric(5, 2), nullable=False),
        sa.Column("investment_month", sa.Numeric(12, 2), nullable=False),
        sa.Column("investment_cumulative", sa.Numeric(12, 2), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("milestone", sa.Text),
        sa.Column("problems", sa.Text),
        sa.Column("next_steps", sa.Text),
        sa.Column("regress_reason", sa.Text),
        sa.Column("reported_by", sa.Text),
        sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("superseded_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("month = date_trunc('month', month)::date", name="month_is_first_day"),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="report_progress_0_100"),
        sa.CheckConstraint("investment_month >= 0 AND investment_cumulative >= 0", name="report_investment_nonneg"),
        sa.CheckConstraint(f"status IN ({statuses})", name="report_status_known"),
        sa.UniqueConstraint("project_id", "month", "version", name="report_version_unique"),
    )
    # One current report per project and month; superseded versions stay as history.
    op.create_index(
        "ux_progress_reports_current",
        "progress_reports",
        ["project_id", "month"],
        unique=True,
        postgresql_where=sa.text("superseded_at IS NULL"),
    )
    op.create_index(
        "ix_progress_reports_month_current",
        "progress_reports",
        ["month"],
        postgresql_where=sa.text("superseded_at IS NULL"),
    )
    op.create_table(
        "progress_plans",
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("planned_progress", sa.Numeric(5, 2), nullable=False),
        sa.CheckConstraint("month = date_trunc('month', month)::date", name="plan_month_is_first_day"),
        sa.CheckConstraint("planned_progress >= 0 AND planned_progress <= 100", name="plan_progress_0_100"),
    )


def downgrade() -> None:
    op.drop_table("progress_plans")
    op.drop_index("ix_progress_reports_month_current", table_name="progress_reports")
    op.drop_index("ux_progress_reports_current", table_name="progress_reports")
    op.drop_table("progress_reports")
