"""teams dialogs: forms offered in Teams dialogs, kept on the server

Revision ID: 0014_teams_dialogs
Revises: 0004_teams
Create Date: 2026-12-02 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0014_teams_dialogs'
down_revision: str | None = '0004_teams'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('teams_dialog',
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('form', sa.Text(), nullable=False),
    sa.Column('values', sa.Text(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token')
    )
    with op.batch_alter_table('teams_dialog', schema=None) as batch_op:
        batch_op.create_index('ix_teams_dialog_created', ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('teams_dialog', schema=None) as batch_op:
        batch_op.drop_index('ix_teams_dialog_created')

    op.drop_table('teams_dialog')
