"""The data's version for honest caching (a counter every committed write to the published data bumps), and the
curated views that /ogc/ publishes (OGC API Features and Tiles, schema `ogc`).

Revision ID: 0020_ogc
Revises: 0019_pwa
Create Date: 2026-12-06
"""

from alembic import op

revision = "0020_ogc"
down_revision = "0019_pwa"
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

# What an anonymous visitor may see, and nothing else: never the base tables. numeric is cast to float8 (tipg
# would send numeric as strings); the month is the latest closed one, as the map's default.
LATEST_CLOSED = "(SELECT max(month) FROM public.reporting_periods WHERE closed_at IS NOT NULL)"
VIEWS = {
    "districts": """
        SELECT d.id, d.code, d.name, d.full_name, d.name_en, d.kind, parent.name AS parent, d.schematic, d.geom
        FROM public.districts d LEFT JOIN public.districts parent ON parent.id = d.parent_id""",
    "zones": """
        SELECT z.id, z.code, z.name, z.name_en, z.schematic, z.carrier, z.district, z.geom FROM public.zones z""",
    "bases": """
        SELECT b.id, b.code, b.name, b.name_en, b.schematic, b.carrier, b.district, cl.name AS cluster, b.geom
        FROM public.bases b LEFT JOIN public.industry_clusters cl ON cl.id = b.cluster_id""",
    "projects": f"""
        SELECT p.id, p.code, p.name, d.name AS district, cl.name AS cluster,
               COALESCE(rep.status, p.status) AS status, COALESCE(rep.progress, p.progress)::float8 AS progress,
               p.investment_total::float8 AS investment_total, p.investment_year::float8 AS investment_year,
               array_to_string(p.zone_names, '、') AS zones, array_to_string(p.base_names, '、') AS bases,
               p.start_date, p.end_date, rep.month AS report_month, {LATEST_CLOSED} AS month, p.geom
        FROM public.projects p
        JOIN public.districts d ON d.id = p.district_id
        JOIN public.industry_clusters cl ON cl.id = p.cluster_id
        LEFT JOIN LATERAL (
            SELECT r.month, r.status, r.progress FROM public.progress_reports r
            WHERE r.project_id = p.id AND r.superseded_at IS NULL AND r.review_state = 'passed'
              AND r.month <= COALESCE({LATEST_CLOSED}, r.month)
            ORDER BY r.month DESC LIMIT 1) rep ON true
        WHERE p.retired_month IS NULL OR p.retired_month > COALESCE({LATEST_CLOSED}, 'infinity'::date)""",
    "photos": """
        SELECT ph.id, ph.project_id, p.name AS project, ph.report_month, ph.caption, ph.taken_at,
               '/api/photos/' || ph.id || '/thumb' AS thumb,
               (CASE WHEN ph.placement_status IN ('pending', 'verified') THEN ph.placed_geom ELSE ph.geom END)
                   ::geometry(Point, 4326) AS geom
        FROM public.photos ph JOIN public.projects p ON p.id = ph.project_id
        WHERE ph.published AND p.retired_month IS NULL
          AND (ph.gps_status = 'ok' AND ph.geom IS NOT NULL OR ph.placement_status IN ('pending', 'verified'))""",
}


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
    op.execute("CREATE SCHEMA ogc")
    for name, query in VIEWS.items():
        op.execute(f"CREATE VIEW ogc.{name} AS {query}")
    # tipg's catalog functions (geo/ogc/catalog.py installs them after every upgrade, from the installed tipg).
    op.execute("CREATE SCHEMA ogc_catalog")


def downgrade() -> None:
    op.execute("DROP SCHEMA IF EXISTS ogc_catalog CASCADE")
    op.execute("DROP SCHEMA IF EXISTS ogc CASCADE")
    for table in TRACKED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_bumps_data_version ON {table}")
    op.execute("DROP FUNCTION IF EXISTS bump_data_version()")
    op.execute("DROP TABLE IF EXISTS data_version")
