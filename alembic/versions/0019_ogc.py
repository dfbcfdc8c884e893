"""The data's version for honest caching: a counter that every committed write to the published data bumps.

Revision ID: 0019_ogc
Revises: 0017_tasks
Create Date: 2026-12-06
"""

from alembic import op

revision = "0019_ogc"
down_revision = "0017_tasks"
branch_labels = None
depends_on = None

# Frozen copy: every table whose rows can change the map, layers, summary, dashboard or the /ogc/ collections.
# Accounts, sessions, tokens, sign-in limits and the audit log are left out: they change on every sign-in and no
# cached answer shows them (tests/projects/test_caching.py fails when a new table is in neither list).
TRACKED = (
    "districts",
    "industry_clusters",
    "zones",
    "bases",
    "projects",
    "progress_reports",
    "reporting_periods",
    "progress_plans",
    "milestones",
    "photos",
    "boundary_state",
    "boundary_imports",
    "boundary_versions",
    "bulletin_issues",
    "problems",
    "problem_events",
    "project_versions",
    "project_proposals",
    "tours",
    "tour_stops",
    "tour_scores",
    "departments",
    "tasks",
    "task_cooperators",
    "task_projects",
    "task_reports",
    "task_evidence",
)


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE data_version (
            id boolean PRIMARY KEY DEFAULT true CONSTRAINT single_row CHECK (id),
            version bigint NOT NULL,
            changed_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("INSERT INTO data_version (version) VALUES (1)")
    # SECURITY DEFINER: the app role only reads the counter; the owner's function moves it. The one-row UPDATE
    # also orders concurrent writers, so a reader never sees a version whose data is not yet committed.
    op.execute(
        """
        CREATE FUNCTION bump_data_version() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
            UPDATE data_version SET version = version + 1, changed_at = now();
            RETURN NULL;
        END $$
        """
    )
    for table in TRACKED:
        op.execute(
            f"CREATE TRIGGER {table}_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )


def downgrade() -> None:
    for table in TRACKED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_bumps_data_version ON {table}")
    op.execute("DROP FUNCTION IF EXISTS bump_data_version()")
    op.execute("DROP TABLE IF EXISTS data_version")
