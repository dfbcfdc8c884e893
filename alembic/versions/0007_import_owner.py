"""Boundary imports record the account that applied them.

Revision ID: 0007_import_owner
Revises: 0006_photo_published
Create Date: 2026-11-25
"""

import sqlalchemy as sa

from alembic import op

revision = "0007_import_owner"
down_revision = "0006_photo_published"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for imports made before accounts existed and for command-line imports (named in the audit log instead).
    op.add_column("boundary_imports", sa.Column("imported_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True))


def downgrade() -> None:
    op.drop_column("boundary_imports", "imported_by")
