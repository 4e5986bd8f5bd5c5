"""decision records: what votes on RACI decisions led to, and who decided

Revision ID: 0023_decisions_records
Revises: 0002
Create Date: 2026-12-02 20:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0023_decisions_records"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "decision_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("decision_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("decision_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("channel_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("thread_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("by_role", sa.Text(), nullable=False),
        sa.Column("insights", sa.Text(), nullable=False),
        sa.Column("unheard", sa.Text(), nullable=False),
        sa.Column("accountable_ids", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decided", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("decided_by_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("decided_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'ratified', 'overridden', 'reopened')",
            name="decision_record_status",
        ),
        sa.ForeignKeyConstraint(["team_id"], ["product_team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("decision_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_decision_record_team_decision",
            ["team_id", "decision_key", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_decision_record_team_status", ["team_id", "status"], unique=False
        )
        batch_op.create_index("ix_decision_record_poll", ["poll_id"], unique=False)


def downgrade() -> None:
    op.drop_table("decision_record")
