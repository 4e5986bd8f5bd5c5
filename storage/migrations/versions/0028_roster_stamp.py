"""a stamp per workspace, changed with every change to its teams, roles or RACI matrix

Revision ID: 0028_roster_stamp
Revises: 0024_standups_escalations
Create Date: 2026-12-06 03:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0028_roster_stamp"
down_revision: str | None = "0024_standups_escalations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "roster_stamp",
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id"),
    )
    # Workspaces with teams already get a stamp: a cache never trusts a missing one.
    op.execute(
        "INSERT INTO roster_stamp (workspace_id, stamp) "
        "SELECT DISTINCT workspace_id, 1 FROM product_team"
    )


def downgrade() -> None:
    op.drop_table("roster_stamp")
