"""a stand-up skip may belong to one team

Revision ID: 0016_standups_skip_team
Revises: 0007_standups
Create Date: 2026-12-02 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_standups_skip_team"
down_revision: str | None = "0007_standups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("standup_skip") as batch_op:
        batch_op.add_column(sa.Column("standup_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("standup_skip") as batch_op:
        batch_op.drop_column("standup_id")
