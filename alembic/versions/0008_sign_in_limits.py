"""Sign-in limit counters: failures per account and address, per address, and per account (the back-off).

Revision ID: 0008_sign_in_limits
Revises: 0007_import_owner
Create Date: 2026-12-03
"""

import sqlalchemy as sa

from alembic import op

revision = "0008_sign_in_limits"
down_revision = "0007_import_owner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per counter, updated with INSERT … ON CONFLICT so that parallel guesses are counted one by one.
    op.create_table(
        "sign_in_limits",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sign_in_limits_last_at", "sign_in_limits", ["last_at"])


def downgrade() -> None:
    op.drop_table("sign_in_limits")
