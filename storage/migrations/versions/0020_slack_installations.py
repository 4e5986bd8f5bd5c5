"""slack installations: OAuth installs (tokens encrypted), org teams and OAuth states

Revision ID: 0020_slack_installations
Revises: 0002
Create Date: 2026-12-02 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0020_slack_installations"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int) -> sa.Column[str]:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False)


def upgrade() -> None:
    op.create_table(
        "slack_installation",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("enterprise_id", 32),
        _text("team_id", 32),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        _text("app_id", 32),
        _text("enterprise_name", 255),
        _text("team_name", 255),
        _text("bot_id", 32),
        _text("bot_user_id", 32),
        sa.Column("bot_scopes", sa.Text(), nullable=False),
        _text("installer_user_id", 32),
        sa.Column("bot_token_sealed", sa.Text(), nullable=False),
        sa.Column("bot_refresh_token_sealed", sa.Text(), nullable=True),
        sa.Column("bot_token_expires_at", sa.Integer(), nullable=True),
        sa.Column("installed_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "team_id"),
    )
    op.create_table(
        "slack_org_team",
        _text("team_id", 32),
        _text("enterprise_id", 32),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "slack_oauth_state",
        _text("state", 128),
        sa.Column("expires_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state"),
    )


def downgrade() -> None:
    op.drop_table("slack_oauth_state")
    op.drop_table("slack_org_team")
    op.drop_table("slack_installation")
