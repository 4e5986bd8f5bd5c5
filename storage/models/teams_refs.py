"""Teams conversation references, so scheduled jobs can post to channels and message people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class TeamsReference(SQLModel, table=True):
    """One serialised botbuilder `ConversationReference` per conversation or person seen.

    `kind` is `channel` (a team channel or group chat, `subject_id` = its conversation id),
    `personal` (a 1:1 chat with the bot, `subject_id` = the person's user id) or `member`
    (a person seen in a shared conversation, `subject_id` = their user id; used to open a 1:1).
    """

    __tablename__ = "teams_reference"
    __table_args__ = (
        UniqueConstraint("workspace_id", "kind", "subject_id"),
        Index("ix_teams_reference_conversation", "workspace_id", "conversation_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    subject_id: str = Field(max_length=255)
    conversation_id: str = Field(max_length=255)
    user_id: str = Field(default="", max_length=128)
    teams_user_id: str = Field(default="", max_length=255)
    service_url: str = Field(max_length=500)
    reference: str = Field(sa_type=Text)
    updated_at: datetime = Field(sa_type=UTCDateTime)
