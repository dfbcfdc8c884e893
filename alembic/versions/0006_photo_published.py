"""Photos carry a publish flag: anonymous visitors and viewers see published photos only.

Revision ID: 0006_photo_published
Revises: 0005_auth
Create Date: 2026-11-25
"""

import sqlalchemy as sa

from alembic import op

revision = "0006_photo_published"
down_revision = "0005_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Published by default: the commission publishes site photos by district; a planner withdraws one when needed.
    op.add_column("photos", sa.Column("published", sa.Boolean, nullable=False, server_default=sa.true()))
    op.add_column("photos", sa.Column("published_by", sa.Integer, sa.ForeignKey("users.id")))
    op.add_column("photos", sa.Column("published_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("photos", "published_at")
    op.drop_column("photos", "published_by")
    op.drop_column("photos", "published")
