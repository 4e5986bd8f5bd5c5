"""Weekly digest schedules (one per channel) and the digests actually posted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class DigestSchedule(SQLModel, table=True):
    """When a channel gets its digest: a weekday and wall-clock time in a zone."""

    __tablename__ = "digest_schedule"
    __table_args__ = (UniqueConstraint("workspace_id", "platform", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    platform: str = Field(max_length=16)
    channel_id: str = Field(max_length=128)
    team_id: int = Field(foreign_key="product_team.id", ondelete="CASCADE")
    weekday: int = Field(ge=0, le=6)  # 0 = Monday
    time_of_day: str = Field(max_length=5)  # "HH:MM"
    timezone: str = Field(max_length=64)
    enabled: bool = True
    updated_by: str = Field(max_length=128)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class DigestPost(SQLModel, table=True):
    """A digest that went out; the unique period makes a second post for a week impossible."""

    __tablename__ = "digest_post"
    __table_args__ = (UniqueConstraint("schedule_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    schedule_id: int = Field(foreign_key="digest_schedule.id", ondelete="CASCADE")
    period: str = Field(max_length=16)  # ISO week of the fire time, e.g. "2026-W48"
    message_id: str = Field(max_length=128)
    posted_at: datetime = Field(sa_type=UTCDateTime)
