"""The assessment (考核): the day a monthly report was filed, by the app's clock (Weihai's date, or the pinned one),
so 填报及时率 compares it with the month's due day as the dispatch cycle does.

Revision ID: 0018_assessment
Revises: 0017_tasks
Create Date: 2026-12-06
"""

import sqlalchemy as sa

from alembic import op

revision = "0018_assessment"
down_revision = "0017_tasks"
branch_labels = None
depends_on = None

TABLES = ("progress_reports", "task_reports")


def upgrade() -> None:
    """Add filed_on to both report tables; earlier rows keep NULL (their stored time's date in Weihai is used)."""
    for table in TABLES:
        op.add_column(table, sa.Column("filed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    """Drop filed_on."""
    for table in TABLES:
        op.drop_column(table, "filed_on")
