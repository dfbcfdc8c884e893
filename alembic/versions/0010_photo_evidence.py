"""Photo evidence that cannot be laundered: a hand placement is a claim of its own beside the EXIF facts, reviewed by
a planner; perceptual hashes (pHash, dHash) flag a photo reused from another project or month, for review.

Revision ID: 0010_photo_evidence
Revises: 0009_dispatch_cycle
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

from alembic import op

revision = "0010_photo_evidence"
down_revision = "0009_dispatch_cycle"  # main's head at rebase time
branch_labels = None
depends_on = None

PLACEMENT = ("pending", "verified", "rejected")
REUSE = ("suspect", "confirmed", "cleared")


def upgrade() -> None:
    # 64-bit hashes of the upright display copy, as signed bigints (bit_count(a # b) is their Hamming distance).
    op.add_column("photos", sa.Column("phash", sa.BigInteger))
    op.add_column("photos", sa.Column("dhash", sa.BigInteger))
    # The hand placement, kept apart from geom (the EXIF position) and from the EXIF checks it may not overwrite.
    op.add_column("photos", sa.Column("placed_geom", Geometry("POINT", srid=4326, spatial_index=False)))
    op.add_column("photos", sa.Column("placed_by", sa.Integer, sa.ForeignKey("users.id")))
    op.add_column("photos", sa.Column("placed_at", sa.DateTime(timezone=True)))
    op.add_column("photos", sa.Column("placed_distance_m", sa.Float))
    op.add_column("photos", sa.Column("placed_within_radius", sa.Boolean))
    op.add_column("photos", sa.Column("placed_in_project_area", sa.Boolean))
    op.add_column("photos", sa.Column("placement_status", sa.String(10)))
    op.add_column("photos", sa.Column("placement_reviewed_by", sa.Integer, sa.ForeignKey("users.id")))
    op.add_column("photos", sa.Column("placement_reviewed_at", sa.DateTime(timezone=True)))
    op.add_column("photos", sa.Column("placement_reason", sa.Text))
    op.add_column("photos", sa.Column("reuse_status", sa.String(10)))
    op.add_column("photos", sa.Column("reuse_matches", JSONB))
    op.add_column("photos", sa.Column("reuse_reviewed_by", sa.Integer, sa.ForeignKey("users.id")))
    op.add_column("photos", sa.Column("reuse_reviewed_at", sa.DateTime(timezone=True)))
    op.add_column("photos", sa.Column("reuse_reason", sa.Text))
    op.create_check_constraint(
        "placement_status_known",
        "photos",
        "(placement_status IS NULL) = (placed_geom IS NULL) AND "
        f"(placement_status IS NULL OR placement_status IN {PLACEMENT!r})",
    )
    op.create_check_constraint("reuse_status_known", "photos", f"reuse_status IS NULL OR reuse_status IN {REUSE!r}")

    # Earlier hand placements overwrote the EXIF position and its checks: move them into the claim (unreviewed, as
    # nobody reviewed them) and give the photo back what its EXIF said.
    op.execute("""
        UPDATE photos ph SET
            placed_geom = ph.geom,
            placed_distance_m = ph.distance_m,
            placed_within_radius = ph.within_radius,
            placed_in_project_area = ph.in_project_area,
            placement_status = 'pending',
            placed_by = (SELECT a.actor_id FROM audit_log a WHERE a.action = 'photo.place'
                         AND a.object_type = 'photo' AND a.object_id = ph.id::text ORDER BY a.at DESC LIMIT 1),
            placed_at = (SELECT a.at FROM audit_log a WHERE a.action = 'photo.place'
                         AND a.object_type = 'photo' AND a.object_id = ph.id::text ORDER BY a.at DESC LIMIT 1),
            within_radius = NULL,
            in_project_area = NULL
        WHERE ph.location_source = 'manual' AND ph.geom IS NOT NULL""")
    # A far EXIF point is a real place, kept with its distance (geo.photos.upload); anything else had no position.
    op.execute("""
        UPDATE photos ph SET
            geom = CASE WHEN ph.gps_problem = 'far'
                        THEN ST_SetSRID(ST_MakePoint(ph.exif_lon, ph.exif_lat), 4326) END,
            location_source = CASE WHEN ph.gps_problem = 'far' THEN 'exif' END,
            distance_m = CASE WHEN ph.gps_problem = 'far'
                              THEN round(ST_Distance(p.geom::geography,
                                   ST_SetSRID(ST_MakePoint(ph.exif_lon, ph.exif_lat), 4326)::geography)::numeric, 1)
                         END
        FROM projects p
        WHERE p.id = ph.project_id AND ph.location_source = 'manual'""")


def downgrade() -> None:
    # Back to the old layout: an active placement becomes the photo's position again.
    op.execute("""
        UPDATE photos SET geom = placed_geom, location_source = 'manual', distance_m = placed_distance_m,
                          within_radius = placed_within_radius, in_project_area = placed_in_project_area
        WHERE placement_status IN ('pending', 'verified')""")
    op.drop_constraint("reuse_status_known", "photos")
    op.drop_constraint("placement_status_known", "photos")
    for column in (
        "reuse_reason",
        "reuse_reviewed_at",
        "reuse_reviewed_by",
        "reuse_matches",
        "reuse_status",
        "placement_reason",
        "placement_reviewed_at",
        "placement_reviewed_by",
        "placement_status",
        "placed_in_project_area",
        "placed_within_radius",
        "placed_distance_m",
        "placed_at",
        "placed_by",
        "placed_geom",
        "dhash",
        "phash",
    ):
        op.drop_column("photos", column)
