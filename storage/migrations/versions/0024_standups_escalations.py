"""stand-up blockers escalated to a decision's Accountable person

Revision ID: 0024_standups_escalations
Revises: 0016_standups_skip_team
Create Date: 2026-12-02 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0024_standups_escalations"
down_revision: str | None = "0016_standups_skip_team"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("standup_team") as batch_op:
        batch_op.add_column(
            sa.Column("escalate_after_days", sa.Integer(), nullable=False, server_default="3")
        )
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "blocker_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", text(length=64), nullable=False),
        sa.Column("platform", text(length=16), nullable=False),
        sa.Column("standup_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", text(length=128), nullable=False),
        sa.Column("blocker", sa.Text(), nullable=False),
        sa.Column("decision", text(length=200), nullable=False),
        sa.Column("decision_key", text(length=200), nullable=False),
        sa.Column("accountable_role", text(length=80), nullable=False),
        sa.Column("owner_ids", sa.Text(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("escalated_on", sa.Date(), nullable=False),
        sa.Column("escalated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", text(length=16), nullable=False),
        sa.Column("answered_by", text(length=128), nullable=False),
        sa.Column("answered_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("suggested_role", text(length=80), nullable=False),
        sa.Column("resolved_by", text(length=128), nullable=False),
        sa.Column("resolved_via", text(length=16), nullable=False),
        sa.Column("resolved_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["standup_id"], ["standup_team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("standup_id", "user_id", "decision_key", "started_on"),
    )
    with op.batch_alter_table("blocker_escalation") as batch_op:
        batch_op.create_index(
            "ix_blocker_escalation_team", ["team_id", "escalated_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("blocker_escalation")
    with op.batch_alter_table("standup_team") as batch_op:
        batch_op.drop_column("escalate_after_days")
