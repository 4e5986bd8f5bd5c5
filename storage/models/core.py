"""Tables every feature shares: product teams and the people the bot has met."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class ProductTeam(SQLModel, table=True):
    """A product team; one workspace (Slack team, Teams tenant) can hold several."""

    __tablename__ = "product_team"
    __table_args__ = (UniqueConstraint("workspace_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64, index=True)
    slug: str = Field(max_length=64)
    name: str = Field(max_length=120)
    channel_id: str | None = Field(default=None, max_length=128, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Person(SQLModel, table=True):
    """Someone the bot has seen: their name and time zone, refreshed on every interaction."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    platform: str = Field(max_length=16)
    user_id: str = Field(max_length=128)
    display_name: str = Field(default="", max_length=200)
    timezone: str | None = Field(default=None, max_length=64)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
