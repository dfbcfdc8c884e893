"""The 155 key tasks (重点任务): city departments, tasks with their cooperating units and projects, monthly task
reports on the dispatch cycle, evidence documents, and the department reporter role.

Revision ID: 0017_tasks
Revises: 0016_tours
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from alembic import op

revision = "0017_tasks"
down_revision = "0016_tours"
branch_labels = None
depends_on = None

# Frozen copies: migrations must not change with the code.
SOURCES = ("province", "city")
CATEGORIES = ("planning", "projects", "policy", "promotion", "cluster_plan", "innovation", "reform")
STATUSES = ("not_started", "in_progress", "completed", "lagging")
REVIEW_STATES = ("pending", "passed", "returned")
FORMATS = ("pdf", "docx", "xlsx", "pptx", "doc", "xls")
ROLES_BEFORE = ("viewer", "reporter", "planner", "admin")
ROLES_AFTER = ("viewer", "reporter", "dept_reporter", "planner", "admin")


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("alias", sa.Text),
        sa.Column("active", sa.Boolean, server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("lead_department_id", sa.Integer, sa.ForeignKey("departments.id"), nullable=False),
        sa.Column("districts", ARRAY(sa.Text), server_default="{}", nullable=False),
        sa.Column("clusters", ARRAY(sa.Text), server_default="{}", nullable=False),
        sa.Column("deliverable", sa.Text),
        sa.Column("target", sa.Text),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("milestones", JSONB, server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("demo", sa.Boolean, server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"source IN ({_in(SOURCES)})", name="task_source_known"),
        sa.CheckConstraint(f"category IN ({_in(CATEGORIES)})", name="task_category_known"),
    )
    op.create_index("ix_tasks_category", "tasks", ["category"])
    op.create_index("ix_tasks_lead_department_id", "tasks", ["lead_department_id"])
    op.create_table(
        "task_cooperators",
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("department_id", sa.Integer, sa.ForeignKey("departments.id"), primary_key=True),
    )
    op.create_table(
        "task_projects",
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_task_projects_project_id", "task_projects", ["project_id"])
    op.create_table(
        "task_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("version", sa.Integer, server_default="1", nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("narrative", sa.Text, nullable=False),
        sa.Column("problems", sa.Text),
        sa.Column("reported_by", sa.Text),
        sa.Column("submitted_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("demo", sa.Boolean, server_default="false", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True)),
        sa.Column("review_state", sa.String(8), server_default="passed", nullable=False),
        sa.Column("reviewed_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
        sa.Column("review_reason", sa.Text),
        sa.Column("correction", sa.Boolean, server_default="false", nullable=False),
        sa.CheckConstraint("month = date_trunc('month', month)::date", name="task_report_month_is_first_day"),
        sa.CheckConstraint(f"status IN ({_in(STATUSES)})", name="task_report_status_known"),
        sa.CheckConstraint(f"review_state IN ({_in(REVIEW_STATES)})", name="task_report_review_state_known"),
        sa.CheckConstraint(
            "review_state <> 'returned' OR review_reason IS NOT NULL", name="task_report_returned_has_reason"
        ),
        sa.UniqueConstraint("task_id", "month", "version", name="task_report_version_unique"),
    )
    # As for the project reports: one passed version of a month, and one submission beside it.
    op.create_index(
        "ux_task_reports_current",
        "task_reports",
        ["task_id", "month"],
        unique=True,
        postgresql_where=sa.text("superseded_at IS NULL AND review_state = 'passed'"),
    )
    op.create_index(
        "ux_task_reports_submitted",
        "task_reports",
        ["task_id", "month"],
        unique=True,
        postgresql_where=sa.text("superseded_at IS NULL AND review_state <> 'passed'"),
    )
    op.create_table(
        "task_evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("report_month", sa.Date, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("original_name", sa.Text),
        sa.Column("uploaded_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"format IN ({_in(FORMATS)})", name="task_evidence_format_known"),
        sa.CheckConstraint("EXTRACT(DAY FROM report_month) = 1", name="task_evidence_month_first_day"),
        sa.UniqueConstraint("task_id", "sha256", name="task_evidence_unique"),
    )
    op.create_index("ix_task_evidence_task_id", "task_evidence", ["task_id"])
    op.add_column("users", sa.Column("department_id", sa.Integer, sa.ForeignKey("departments.id")))
    op.drop_constraint("role_known", "users")
    op.create_check_constraint("role_known", "users", f"role IN ({_in(ROLES_AFTER)})")
    op.create_check_constraint(
        "dept_reporter_has_department", "users", "role <> 'dept_reporter' OR department_id IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("UPDATE users SET role = 'viewer' WHERE role = 'dept_reporter'")
    op.drop_constraint("dept_reporter_has_department", "users")
    op.drop_constraint("role_known", "users")
    op.create_check_constraint("role_known", "users", f"role IN ({_in(ROLES_BEFORE)})")
    op.drop_column("users", "department_id")
    op.drop_table("task_evidence")
    op.drop_table("task_reports")
    op.drop_table("task_projects")
    op.drop_table("task_cooperators")
    op.drop_table("tasks")
    op.drop_table("departments")
