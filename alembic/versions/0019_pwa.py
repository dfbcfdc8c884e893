"""Field capture on phones (issue 16): the phone's own position sent with a photo (设备定位, a labelled piece of
evidence beside EXIF, never merged into it) with its checks, and the idempotency key of a queued upload so a resend
after a lost answer gets the first answer again; the same for a monthly report's PUT.

Revision ID: 0019_pwa
Revises: 0018_assessment
Create Date: 2026-12-06
"""

import sqlalchemy as sa

from alembic import op

revision = "0019_pwa"
down_revision = "0018_assessment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("photos", sa.Column("device_lon", sa.Float))
    op.add_column("photos", sa.Column("device_lat", sa.Float))
    op.add_column("photos", sa.Column("device_accuracy_m", sa.Float))
    op.add_column("photos", sa.Column("device_distance_m", sa.Float))
    op.add_column("photos", sa.Column("device_within_radius", sa.Boolean))
    op.add_column("photos", sa.Column("device_exif_gap_m", sa.Float))
    op.add_column("photos", sa.Column("device_agrees", sa.Boolean))
    op.add_column("photos", sa.Column("idempotency_key", sa.String(80)))
    op.create_check_constraint(
        "device_position_whole",
        "photos",
        "(device_lon IS NULL) = (device_lat IS NULL) AND (device_lon IS NULL) = (device_accuracy_m IS NULL)",
    )
    # One key per uploader: the same key from two accounts is two different items.
    op.create_index(
        "photos_idempotency_key",
        "photos",
        ["uploaded_by", "idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )
    op.add_column("progress_reports", sa.Column("idempotency_key", sa.String(80)))
    op.create_index(
        "progress_reports_idempotency_key",
        "progress_reports",
        ["submitted_by", "idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("progress_reports_idempotency_key", table_name="progress_reports")
    op.drop_column("progress_reports", "idempotency_key")
    op.drop_index("photos_idempotency_key", table_name="photos")
    op.drop_constraint("device_position_whole", "photos")
    for c in (
        "idempotency_key",
        "device_agrees",
        "device_exif_gap_m",
        "device_within_radius",
        "device_distance_m",
        "device_accuracy_m",
        "device_lat",
        "device_lon",
    ):
        op.drop_column("photos", c)
