"""options voters added to open votes

Revision ID: 0025_votes_added_options
Revises: 0023_votes_decisions_series
Create Date: 2026-12-06 03:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0025_votes_added_options"
down_revision: str | None = "0023_votes_decisions_series"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "vote_added_option",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("key", text(length=600), nullable=False),
        sa.Column("label", text(length=150), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_by", text(length=128), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["vote_poll.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("poll_id", "key"),
    )


def downgrade() -> None:
    op.drop_table("vote_added_option")
