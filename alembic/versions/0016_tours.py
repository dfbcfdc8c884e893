"""观摩 inspection tours: a tour, its ordered stops (projects) and the inspecting officials' scores per criterion.

Revision ID: 0016_tours
Revises: 0015_workplan
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

from alembic import op

revision = "0016_tours"
down_revision = "0015_workplan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The criteria and weights are copied onto the tour when it is made, so a later settings change does not
    # silently re-weigh scores already given.
    op.create_table(
        "tours",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("tour_date", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("start_label", sa.Text, nullable=True),
        sa.Column("start_geom", Geometry("POINT", srid=4326, spatial_index=False), nullable=True),
        sa.Column("criteria", JSONB, nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("length(btrim(name)) > 0", name="tour_name_not_blank"),
    )
    # A reorder swaps positions inside one statement batch: the position key is checked at commit.
    op.create_table(
        "tour_stops",
        sa.Column("tour_id", sa.Integer, sa.ForeignKey("tours.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.CheckConstraint("seq >= 1", name="tour_stop_seq_positive"),
        sa.UniqueConstraint("tour_id", "seq", name="tour_stop_seq_unique", deferrable=True, initially="DEFERRED"),
    )
    op.create_table(
        "tour_scores",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tour_id", sa.Integer, nullable=False),
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("scorer", sa.Text, nullable=False),
        sa.Column("criterion", sa.Text, nullable=False),
        sa.Column("score", sa.Numeric(5, 2), nullable=False),
        sa.Column("entered_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 100", name="tour_score_0_100"),
        sa.ForeignKeyConstraint(
            ["tour_id", "project_id"], ["tour_stops.tour_id", "tour_stops.project_id"], ondelete="CASCADE"
        ),
        sa.UniqueConstraint("tour_id", "project_id", "scorer", "criterion", name="tour_score_unique"),
    )
    op.create_index("ix_tour_stops_project", "tour_stops", ["project_id"])


def downgrade() -> None:
    op.drop_table("tour_scores")
    op.drop_table("tour_stops")
    op.drop_table("tours")
