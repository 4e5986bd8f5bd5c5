"""The durable inbox and forms waiting to be opened: inbound work any replica can finish."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class InboxItem(SQLModel, table=True):
    """One acknowledged delivery, stored under its de-duplication key before the ack.

    `payload` is the platform's request body (JSON) for work answered after the ack; it is
    empty for deliveries answered before it (modal submissions, Teams turns), where the row only
    de-duplicates. `lease_until` in the past means nobody is working on it: any replica may
    take it until `done_at` is set.
    """

    __tablename__ = "inbox_item"
    __table_args__ = (Index("ix_inbox_item_open", "done_at", "lease_until"),)

    key: str = Field(primary_key=True, max_length=255)
    platform: str = Field(max_length=16)
    kind: str = Field(max_length=32)
    payload: str | None = Field(default=None, sa_type=Text)
    received_at: datetime = Field(sa_type=UTCDateTime)
    owner: str = Field(max_length=128)
    lease_until: datetime = Field(sa_type=UTCDateTime)
    attempts: int = 1
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PendingForm(SQLModel, table=True):
    """A form offered behind an "Open form" button (no trigger to open it at once): `content`
    is the platform's rendered form, so whichever replica gets the click can open it."""

    __tablename__ = "pending_form"

    token: str = Field(primary_key=True, max_length=64)
    platform: str = Field(max_length=16)
    content: str = Field(sa_type=Text)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
