"""votes inform decisions, let voters add options, repeat weekly or monthly

Revision ID: 0023_votes_decisions_series
Revises: 0016_votes_retired_ids
Create Date: 2026-12-02 20:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0023_votes_decisions_series"
down_revision: str | None = "0016_votes_retired_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vote_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("channel_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("thread_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("creator_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("hide_results", sa.Boolean(), nullable=False),
        sa.Column("allowed_voters", sa.Text(), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=False),
        sa.Column("dots", sa.Integer(), nullable=False),
        sa.Column("allow_additions", sa.Boolean(), nullable=False),
        sa.Column("decision_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("decision_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("cadence", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("open_seconds", sa.Integer(), nullable=True),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("starts_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("cadence IN ('weekly', 'monthly')", name="vote_series_cadence"),
        sa.ForeignKeyConstraint(["team_id"], ["product_team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("vote_poll", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "decision_key",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column(
                "decision_name",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column("allow_additions", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("round", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_vote_poll_series_id_vote_series",
            "vote_series",
            ["series_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_vote_poll_series_id", ["series_id"], unique=False)
        batch_op.create_index("ix_vote_poll_decision", ["team_id", "decision_key"], unique=False)
        batch_op.create_unique_constraint("uq_vote_poll_series_round", ["series_id", "round"])


def downgrade() -> None:
    with op.batch_alter_table("vote_poll", schema=None) as batch_op:
        batch_op.drop_constraint("uq_vote_poll_series_round", type_="unique")
        batch_op.drop_index("ix_vote_poll_decision")
        batch_op.drop_index("ix_vote_poll_series_id")
        batch_op.drop_constraint("fk_vote_poll_series_id_vote_series", type_="foreignkey")
        batch_op.drop_column("round")
        batch_op.drop_column("series_id")
        batch_op.drop_column("allow_additions")
        batch_op.drop_column("decision_name")
        batch_op.drop_column("decision_key")
        batch_op.drop_column("closed_by")
    op.drop_table("vote_series")
