"""Accounts that manage themselves: when a session was last seen and a token last used.

Revision ID: 0012_accounts_self
Revises: 0011_bulletin_issues
Create Date: 2026-12-06
"""

import sqlalchemy as sa

from alembic import op

revision = "0012_accounts_self"
down_revision = "0011_bulletin_issues"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Both are written at most once a minute per session or token (geo.accounts.signin.TOUCH_EVERY).
    op.add_column("user_sessions", sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("api_tokens", sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("api_tokens", sa.Column("last_used_address", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("api_tokens", "last_used_address")
    op.drop_column("api_tokens", "last_used_at")
    op.drop_column("user_sessions", "last_seen_at")
