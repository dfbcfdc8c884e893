"""Accounts, sessions, API tokens and the append-only audit log; the legacy account owning earlier rows.

Revision ID: 0005_auth
Revises: 0003_planner
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from alembic import op

revision = "0005_auth"
down_revision = "0003_planner"  # chained after main's head at merge time (was "0001")
branch_labels = None
depends_on = None

ROLE_CODES = ("viewer", "reporter", "planner", "admin")  # frozen copy: migrations must not change with the code
LEGACY_USERNAME = "legacy"


def upgrade() -> None:
    roles = ", ".join(f"'{r}'" for r in ROLE_CODES)
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(32), nullable=False),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("district", sa.String(32)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("password_hash", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("password_changed_at", sa.DateTime(timezone=True)),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(f"role IN ({roles})", name="role_known"),
        sa.CheckConstraint("role <> 'reporter' OR district IS NOT NULL", name="reporter_has_district"),
    )
    op.create_index("ux_users_username_lower", "users", [sa.text("lower(username)")], unique=True)
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.Text),
        sa.Column("user_agent", sa.Text),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now(), index=True),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id"), index=True),
        sa.Column("actor_name", sa.Text, nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(32)),
        sa.Column("object_id", sa.Text),
        sa.Column("before", JSONB),
        sa.Column("after", JSONB),
        sa.Column("address", sa.Text),
    )
    # Sign-in rate limits count recent failures per name and per address.
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"])
    op.execute("""
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
        END $$""")
    op.execute("""CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""")
    op.execute("""CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""")
    # Rows made before accounts existed (photos, reports, imports) are owned by this account; it cannot sign in.
    op.execute(f"""INSERT INTO users (username, display_name, role, active)
                   VALUES ('{LEGACY_USERNAME}', '历史数据(启用账户前) / before accounts', 'viewer', false)""")
    # Photos are owned by an account; the free-text name typed before accounts existed is kept for display.
    op.alter_column("photos", "uploader", new_column_name="legacy_uploader")
    op.add_column("photos", sa.Column("uploaded_by", sa.Integer, sa.ForeignKey("users.id")))
    op.execute(f"UPDATE photos SET uploaded_by = (SELECT id FROM users WHERE username = '{LEGACY_USERNAME}')")
    op.alter_column("photos", "uploaded_by", nullable=False)
    op.create_index("ix_photos_uploaded_by", "photos", ["uploaded_by"])
    # Monthly reports record the account that submitted them (the free-text reported_by stays: who filled it in).
    op.add_column("progress_reports", sa.Column("submitted_by", sa.Integer, sa.ForeignKey("users.id")))
    op.execute(
        f"UPDATE progress_reports SET submitted_by = (SELECT id FROM users WHERE username = '{LEGACY_USERNAME}')"
    )


def downgrade() -> None:
    op.drop_column("progress_reports", "submitted_by")
    op.execute("""UPDATE photos ph SET legacy_uploader = u.display_name FROM users u
                  WHERE u.id = ph.uploaded_by AND ph.legacy_uploader IS NULL AND u.username <> 'legacy'""")
    op.drop_index("ix_photos_uploaded_by", "photos")
    op.drop_column("photos", "uploaded_by")
    op.alter_column("photos", "legacy_uploader", new_column_name="uploader")
    for table in ("audit_log", "api_tokens", "user_sessions", "users"):
        op.drop_table(table)
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
