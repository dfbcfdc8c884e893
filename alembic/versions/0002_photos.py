"""Site photos: stored file, EXIF position and time, and verification against the project.

Revision ID: 0002_photos
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from geoalchemy2 import Geometry

from alembic import op

revision = "0002_photos"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("original_name", sa.Text),
        sa.Column("caption", sa.Text),
        sa.Column("uploader", sa.Text),
        sa.Column("report_month", sa.Date, nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=False)),
        sa.Column("taken_offset", sa.String(6)),
        sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=False)),
        sa.Column("exif_lon", sa.Float),
        sa.Column("exif_lat", sa.Float),
        sa.Column("altitude_m", sa.Float),
        sa.Column("location_source", sa.String(8)),
        sa.Column("gps_status", sa.String(8), nullable=False),
        sa.Column("gps_problem", sa.Text),
        sa.Column("orientation", sa.Integer),
        sa.Column("exif_error", sa.Text),
        sa.Column("distance_m", sa.Float),
        sa.Column("radius_m", sa.Float, nullable=False),
        sa.Column("within_radius", sa.Boolean),
        sa.Column("in_project_area", sa.Boolean),
        sa.Column("in_month", sa.Boolean),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("gps_status IN ('ok', 'missing', 'invalid')", name="gps_status_known"),
        sa.CheckConstraint(
            "location_source IS NULL OR location_source IN ('exif', 'manual')", name="location_source_known"
        ),
        sa.CheckConstraint("EXTRACT(DAY FROM report_month) = 1", name="report_month_first_day"),
    )
    op.create_index("ix_photos_project_id", "photos", ["project_id"])
    op.create_index("ix_photos_report_month", "photos", ["report_month"])
    op.create_index("idx_photos_geom", "photos", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("photos")
