"""Initial schema: districts, industry clusters, zones, bases and projects.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ARRAY

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STATUS_CODES = (
    "planning",
    "construction",
    "completed",
    "stalled",
)  # frozen copy: migrations must not change with the code


def boundary_columns() -> list[sa.Column]:
    return [
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
        sa.Column(
            "geom_utm",
            Geometry("MULTIPOLYGON", srid=32651, spatial_index=False),
            sa.Computed("ST_Transform(geom, 32651)", persisted=True),
        ),
    ]


def gist(table: str, column: str) -> None:
    op.create_index(f"idx_{table}_{column}", table, [column], postgresql_using="gist")


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "districts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("name", sa.String(32), nullable=False, unique=True),
        sa.Column("full_name", sa.Text),
        sa.Column("name_en", sa.Text),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("districts.id")),
        sa.Column("schematic", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("source", sa.Text),
        sa.Column("description", sa.Text),
        *boundary_columns(),
        sa.CheckConstraint("kind IN ('county', 'functional')", name="kind_known"),
    )
    op.create_table(
        "industry_clusters",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(8), nullable=False, unique=True),
        sa.Column("name", sa.String(32), nullable=False, unique=True),
        sa.Column("name_en", sa.Text),
    )
    for table in ("zones", "bases"):
        extra = [sa.Column("cluster_id", sa.Integer, sa.ForeignKey("industry_clusters.id"))] if table == "bases" else []
        op.create_table(
            table,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("code", sa.String(8), nullable=False, unique=True),
            sa.Column("name", sa.String(64), nullable=False, unique=True),
            sa.Column("name_en", sa.Text),
            sa.Column("schematic", sa.Boolean, nullable=False, server_default=sa.true()),
            sa.Column("carrier", sa.Text),
            sa.Column("district", sa.Text),
            *extra,
            sa.Column("source", sa.Text),
            sa.Column("description", sa.Text),
            *boundary_columns(),
        )
    statuses = ", ".join(f"'{s}'" for s in STATUS_CODES)
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("district_id", sa.Integer, sa.ForeignKey("districts.id"), nullable=False),
        sa.Column("cluster_id", sa.Integer, sa.ForeignKey("industry_clusters.id"), nullable=False),
        sa.Column("investment_total", sa.Numeric(12, 2), nullable=False),
        sa.Column("investment_year", sa.Numeric(12, 2), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Numeric(5, 2), nullable=False),
        sa.Column("unit", sa.Text),
        sa.Column("person", sa.Text),
        sa.Column("start_date", sa.Date),
        sa.Column("end_date", sa.Date),
        sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.Column("located_district_id", sa.Integer, sa.ForeignKey("districts.id")),
        sa.Column("county_id", sa.Integer, sa.ForeignKey("districts.id")),
        sa.Column("zone_ids", ARRAY(sa.Integer), nullable=False, server_default="{}"),
        sa.Column("base_ids", ARRAY(sa.Integer), nullable=False, server_default="{}"),
        sa.Column("zone_names", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("base_names", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_0_100"),
        sa.CheckConstraint("investment_total >= 0", name="investment_total_nonneg"),
        sa.CheckConstraint("investment_year >= 0", name="investment_year_nonneg"),
        sa.CheckConstraint(f"status IN ({statuses})", name="status_known"),
        sa.CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        sa.CheckConstraint("ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90", name="lonlat_in_range"),
    )
    for table in ("districts", "zones", "bases"):
        gist(table, "geom")
        gist(table, "geom_utm")
    gist("projects", "geom")
    for column in ("district_id", "cluster_id", "status", "located_district_id"):
        op.create_index(f"ix_projects_{column}", "projects", [column])


def downgrade() -> None:
    for table in ("projects", "bases", "zones", "industry_clusters", "districts"):
        op.drop_table(table)
