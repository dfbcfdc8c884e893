"""The monthly dispatch cycle: each month's state (填报中 → 已关账 → 已发布) and the review of reports (审核).

Revision ID: 0009_dispatch_cycle
Revises: 0008_sign_in_limits
Create Date: 2026-12-04
"""

import sqlalchemy as sa

from alembic import op

revision = "0009_dispatch_cycle"
down_revision = "0008_sign_in_limits"
branch_labels = None
depends_on = None

REVIEW_STATES = ("pending", "passed", "returned")  # frozen copy: migrations must not change with the code


def upgrade() -> None:
    # A month without a row is open until its due day plus the grace; a row records an explicit close or publish.
    op.create_table(
        "reporting_periods",
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("closed_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("published_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.CheckConstraint("month = date_trunc('month', month)::date", name="period_month_is_first_day"),
        sa.CheckConstraint("published_at IS NULL OR closed_at IS NOT NULL", name="period_published_after_closed"),
    )
    states = ", ".join(f"'{s}'" for s in REVIEW_STATES)
    op.add_column("progress_reports", sa.Column("review_state", sa.String(8), nullable=False, server_default="passed"))
    op.add_column("progress_reports", sa.Column("reviewed_by", sa.Integer, sa.ForeignKey("users.id")))
    op.add_column("progress_reports", sa.Column("reviewed_at", sa.DateTime(timezone=True)))
    op.add_column("progress_reports", sa.Column("review_reason", sa.Text))
    op.add_column("progress_reports", sa.Column("correction", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_check_constraint("report_review_state_known", "progress_reports", f"review_state IN ({states})")
    op.create_check_constraint(
        "report_returned_has_reason", "progress_reports", "review_state <> 'returned' OR review_reason IS NOT NULL"
    )
    # The figures read the one passed version of a month; a submission awaiting review lives beside it.
    op.drop_index("ux_progress_reports_current", table_name="progress_reports")
    op.drop_index("ix_progress_reports_month_current", table_name="progress_reports")
    op.create_index(
        "ux_progress_reports_current",
        "progress_reports",
        ["project_id", "month"],
        unique=True,
        postgresql_where=sa.text("superseded_at IS NULL AND review_state = 'passed'"),
    )
    op.create_index(
        "ux_progress_reports_submitted",
        "progress_reports",
        ["project_id", "month"],
        unique=True,
        postgresql_where=sa.text("superseded_at IS NULL AND review_state <> 'passed'"),
    )
    op.create_index(
        "ix_progress_reports_month_current",
        "progress_reports",
        ["month"],
        postgresql_where=sa.text("superseded_at IS NULL AND review_state = 'passed'"),
    )


def downgrade() -> None:
    op.drop_index("ix_progress_reports_month_current", table_name="progress_reports")
    op.drop_index("ux_progress_reports_submitted", table_name="progress_reports")
    op.drop_index("ux_progress_reports_current", table_name="progress_reports")
    op.execute("DELETE FROM progress_reports WHERE review_state <> 'passed'")
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
    op.drop_constraint("report_returned_has_reason", "progress_reports")
    op.drop_constraint("report_review_state_known", "progress_reports")
    for column in ("correction", "review_reason", "reviewed_at", "reviewed_by", "review_state"):
        op.drop_column("progress_reports", column)
    op.drop_table("reporting_periods")
