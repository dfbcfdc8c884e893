"""Issued bulletins: the 期号 of each monthly and quarterly 简报, numbered per year and kind.

Revision ID: 0011_bulletin_issues
Revises: 0008_sign_in_limits
Create Date: 2026-12-04
"""

import sqlalchemy as sa

from alembic import op

revision = "0011_bulletin_issues"
down_revision = "0010_photo_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A period is issued once; the two unique keys make a second issue, or two issues racing for one number, fail.
    op.create_table(
        "bulletin_issues",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("issued_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("issued_by_name", sa.Text, nullable=False),
        sa.CheckConstraint("kind IN ('monthly', 'quarterly')", name="bulletin_kind_known"),
        sa.CheckConstraint("seq >= 1", name="bulletin_seq_positive"),
        sa.UniqueConstraint("kind", "period", name="bulletin_period_unique"),
        sa.UniqueConstraint("kind", "year", "seq", name="bulletin_seq_unique"),
    )


def downgrade() -> None:
    op.drop_table("bulletin_issues")
