"""The outbox for fan-out, and the heartbeat `/healthz` writes.

One `Delivery` row per recipient of a broadcast, written before anything is posted and marked
delivered (with the platform's message id) right after each post. A crash leaves the rest of
the batch pending for any replica to resume; edits reach every posted copy by reading them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Delivery(SQLModel, table=True):
    """`key` names the post (topic, subject, recipient) and is attached to it where the
    platform allows (Slack message metadata), so a retry can find a post it made but never
    recorded. `batch` groups the rows one run delivers, under one job claim."""

    __tablename__ = "delivery"
    __table_args__ = (
        Index("ix_delivery_topic_subject", "topic", "subject"),
        Index("ix_delivery_pending", "delivered_at", "failed_at", "batch"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True)
    batch: str = Field(max_length=128)
    topic: str = Field(max_length=64)
    subject: str = Field(max_length=128)
    platform: str = Field(max_length=16)
    workspace_id: str = Field(max_length=64)
    target_kind: str = Field(max_length=16)
    target_id: str = Field(max_length=128)
    thread_id: str | None = Field(default=None, max_length=64)
    channel_id: str | None = Field(default=None, max_length=128)
    message_id: str | None = Field(default=None, max_length=128)
    attempts: int = Field(default=0)
    error: str = Field(default="", max_length=255)
    created_at: datetime = Field(sa_type=UTCDateTime)
    attempted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Heartbeat(SQLModel, table=True):
    """One row per replica; `/healthz` upserts it to prove the database takes writes."""

    __tablename__ = "heartbeat"

    replica: str = Field(primary_key=True, max_length=128)
    beat_at: datetime = Field(sa_type=UTCDateTime)
