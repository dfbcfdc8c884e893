"""Planner tools: boundary versions (valid from/to), boundary imports, and the boundary change token.

Revision ID: 0003_planner
Revises: 0002_photos
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB, UUID

from alembic import op

revision = "0003_planner"
down_revision = "0004_progress"  # chained at merge: 0001 → 0002_photos → 0004_progress → 0003_planner
branch_labels = None
depends_on = None

LAYERS = ("districts", "zones", "bases")

# Every insert, change of code/name/geometry, or delete of a boundary closes the open version and opens a new one,
# whoever writes (seed, importer, psql), so a past month's membership can be reproduced.  An import sets
# warroom.valid_from and warroom.import_id for its transaction so all its rows share one instant.
VERSION_FUNCTION = """
CREATE FUNCTION warroom_boundary_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  at timestamptz := COALESCE(NULLIF(current_setting('warroom.valid_from', true), '')::timestamptz, clock_timestamp());
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.geom IS NOT DISTINCT FROM OLD.geom AND NEW.name = OLD.name AND NEW.code = OLD.code
     AND (to_jsonb(NEW) ->> 'kind') IS NOT DISTINCT FROM (to_jsonb(OLD) ->> 'kind') THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE boundary_versions SET valid_to = at
    WHERE layer = TG_TABLE_NAME AND feature_id = OLD.id AND valid_to IS NULL;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO boundary_versions (layer, feature_id, code, name, kind, geom, valid_from, import_id)
    VALUES (TG_TABLE_NAME, NEW.id, NEW.code, NEW.name, to_jsonb(NEW) ->> 'kind', NEW.geom, at,
            NULLIF(current_setting('warroom.import_id', true), '')::integer);
  END IF;
  RETURN NULL;
END $$;
"""

# Any statement on a boundary table gives the boundaries a new token: in-memory siting caches compare it per call.
TOKEN_FUNCTION = """
CREATE FUNCTION warroom_boundary_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE boundary_state SET token = gen_random_uuid(), changed_at = clock_timestamp();
  RETURN NULL;
END $$;
"""


def upgrade() -> None:
    op.create_table(
        "boundary_state",
        sa.Column("id", sa.Boolean, primary_key=True, server_default=sa.true()),
        sa.Column("token", UUID(as_uuid=False), nullable=False, server_default=sa.text("gen_random_uuid()")),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("id", name="single_row"),
    )
    op.execute("INSERT INTO boundary_state DEFAULT VALUES")
    op.create_table(
        "boundary_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("layer", sa.String(16), nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("source_crs", sa.Text),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("summary", JSONB, nullable=False, server_default="{}"),
        sa.CheckConstraint("layer IN ('districts', 'zones', 'bases')", name="layer_known"),
    )
    op.create_table(
        "boundary_versions",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("layer", sa.String(16), nullable=False),
        sa.Column("feature_id", sa.Integer, nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16)),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True)),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("boundary_imports.id", ondelete="SET NULL")),
        sa.CheckConstraint("layer IN ('districts', 'zones', 'bases')", name="layer_known"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_ordered"),
    )
    op.create_index(
        "ix_boundary_versions_open",
        "boundary_versions",
        ["layer", "feature_id"],
        postgresql_where=sa.text("valid_to IS NULL"),
    )
    op.create_index("ix_boundary_versions_period", "boundary_versions", ["layer", "valid_from", "valid_to"])
    for table in LAYERS:  # what exists before history starts counts as valid since forever
        op.execute(f"""INSERT INTO boundary_versions (layer, feature_id, code, name, kind, geom, valid_from)
                       SELECT '{table}', id, code, name, to_jsonb(t) ->> 'kind', geom, '-infinity' FROM {table} t""")
    op.execute(VERSION_FUNCTION)
    op.execute(TOKEN_FUNCTION)
    for table in LAYERS:
        op.execute(f"""CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE ON {table}
                       FOR EACH ROW EXECUTE FUNCTION warroom_boundary_version()""")
        op.execute(f"""CREATE TRIGGER {table}_touch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
                       FOR EACH STATEMENT EXECUTE FUNCTION warroom_boundary_touch()""")


def downgrade() -> None:
    for table in LAYERS:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_touch ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
    op.execute("DROP FUNCTION IF EXISTS warroom_boundary_touch()")
    op.execute("DROP FUNCTION IF EXISTS warroom_boundary_version()")
    op.drop_table("boundary_versions")
    op.drop_table("boundary_imports")
    op.drop_table("boundary_state")
