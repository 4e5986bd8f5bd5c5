"""Research insights: the finding itself, who may see it, who subscribes, where it was posted.

Tags, backlog links and the private audience live in their own rows so they can be queried
(by tag, by backlog item) without parsing text.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Insight(SQLModel, table=True):
    __tablename__ = "insight"
    __table_args__ = (Index("ix_insight_workspace_created", "workspace_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    team_id: int = Field(foreign_key="product_team.id", ondelete="CASCADE", index=True)
    platform: str = Field(max_length=16)
    author_id: str = Field(max_length=128)
    author_name: str = Field(default="", max_length=200)
    title: str = Field(max_length=150)
    finding: str = Field(max_length=3000)
    evidence: str = Field(default="", max_length=3000)
    source_study: str = Field(default="", max_length=200)
    method: str = Field(max_length=32)
    participants: int | None = Field(default=None)
    confidence: str = Field(max_length=16)
    is_private: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    retracted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    retracted_by: str | None = Field(default=None, max_length=128)


class InsightTag(SQLModel, table=True):
    __tablename__ = "insight_tag"
    __table_args__ = (
        UniqueConstraint("insight_id", "tag"),
        Index("ix_insight_tag_workspace_tag", "workspace_id", "tag"),
    )

    id: int | None = Field(default=None, primary_key=True)
    insight_id: int = Field(foreign_key="insight.id", ondelete="CASCADE")
    workspace_id: str = Field(max_length=64)
    tag: str = Field(max_length=40)


class InsightLink(SQLModel, table=True):
    """A backlog item the insight supports; `item_key` is the normalised text ballots match."""

    __tablename__ = "insight_link"
    __table_args__ = (
        UniqueConstraint("insight_id", "item_key"),
        Index("ix_insight_link_team_item", "team_id", "item_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    insight_id: int = Field(foreign_key="insight.id", ondelete="CASCADE")
    workspace_id: str = Field(max_length=64)
    team_id: int = Field(foreign_key="product_team.id", ondelete="CASCADE")
    item_key: str = Field(max_length=200)
    item_text: str = Field(max_length=200)


class InsightAudience(SQLModel, table=True):
    """A channel or person the author shared the insight with (`kind` channel/person).

    A public insight also reaches subscribers; a private one reaches only these.
    """

    __tablename__ = "insight_audience"
    __table_args__ = (UniqueConstraint("insight_id", "kind", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    insight_id: int = Field(foreign_key="insight.id", ondelete="CASCADE")
    workspace_id: str = Field(max_length=64)
    platform: str = Field(max_length=16)
    kind: str = Field(max_length=8)
    target_id: str = Field(max_length=128)
    label: str = Field(default="", max_length=200)


class InsightSubscription(SQLModel, table=True):
    """A channel subscribed to a tag, or a person following one (`kind` channel/person)."""

    __tablename__ = "insight_subscription"
    __table_args__ = (
        UniqueConstraint("workspace_id", "platform", "kind", "target_id", "tag"),
        Index("ix_insight_subscription_workspace_tag", "workspace_id", "tag"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    platform: str = Field(max_length=16)
    kind: str = Field(max_length=8)
    target_id: str = Field(max_length=128)
    target_name: str = Field(default="", max_length=200)
    tag: str = Field(max_length=40)
    created_by: str = Field(max_length=128)
    created_at: datetime = Field(sa_type=UTCDateTime)


class InsightDelivery(SQLModel, table=True):
    """One posted copy of an insight, so every copy can be updated in place."""

    __tablename__ = "insight_delivery"
    __table_args__ = (
        UniqueConstraint("insight_id", "kind", "target_id"),
        Index("ix_insight_delivery_message", "workspace_id", "channel_id", "message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    insight_id: int = Field(foreign_key="insight.id", ondelete="CASCADE")
    workspace_id: str = Field(max_length=64)
    platform: str = Field(max_length=16)
    kind: str = Field(max_length=8)
    target_id: str = Field(max_length=128)
    channel_id: str = Field(max_length=128)
    message_id: str = Field(max_length=128)
    delivered_at: datetime = Field(sa_type=UTCDateTime)


class InsightAck(SQLModel, table=True):
    """One person's answer to an insight (seen / act / disagree); they may change it."""

    __tablename__ = "insight_ack"
    __table_args__ = (UniqueConstraint("insight_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    insight_id: int = Field(foreign_key="insight.id", ondelete="CASCADE")
    workspace_id: str = Field(max_length=64)
    user_id: str = Field(max_length=128)
    display_name: str = Field(default="", max_length=200)
    kind: str = Field(max_length=16)
    reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
