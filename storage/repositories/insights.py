"""Insights, their tags, backlog links and audience; subscriptions; deliveries; acknowledgements.

`insight_counts_for_items` is the public read the votes feature uses to show
"3 insights support this item" on ballots.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.insights import (
    Insight,
    InsightAck,
    InsightAudience,
    InsightDelivery,
    InsightLink,
    InsightSubscription,
    InsightTag,
)
from storage.upsert import insert_for


def item_key(text: str) -> str:
    """Backlog items match whatever their case or spacing."""
    return " ".join(text.casefold().split())[:200]


@dataclass(frozen=True)
class AudienceEntry:
    platform: str
    kind: str  # "channel" or "person"
    target_id: str
    label: str = ""


@dataclass(frozen=True)
class InsightContent:
    """Everything the author writes; stored as one unit by `create` and `update_content`."""

    title: str
    finding: str
    method: str
    confidence: str
    evidence: str = ""
    source_study: str = ""
    participants: int | None = None
    tags: Sequence[str] = ()
    items: Sequence[str] = ()
    is_private: bool = False
    audience: Sequence[AudienceEntry] = ()


@dataclass(frozen=True)
class InsightView:
    """An insight with its tags, backlog items and the channels and people it is shared with."""

    insight: Insight
    tags: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    audience: list[AudienceEntry] = field(default_factory=list)

    @property
    def id(self) -> int:
        assert self.insight.id is not None
        return self.insight.id


# Insights ---------------------------------------------------------------------------------


async def create(
    session: AsyncSession,
    *,
    workspace_id: str,
    team_id: int,
    platform: str,
    author_id: str,
    author_name: str,
    content: InsightContent,
    now: datetime,
) -> Insight:
    insight = Insight(
        workspace_id=workspace_id,
        team_id=team_id,
        platform=platform,
        author_id=author_id,
        author_name=author_name[:200],
        created_at=now,
        updated_at=now,
        **_columns(content),
    )
    session.add(insight)
    await session.flush()
    await _write_details(session, insight, content)
    return insight


async def update_content(
    session: AsyncSession, insight: Insight, content: InsightContent, now: datetime
) -> None:
    """Replaces what the author wrote (tags, links and audience included)."""
    for name, value in _columns(content).items():
        setattr(insight, name, value)
    insight.updated_at = now
    session.add(insight)
    for table in (InsightTag, InsightLink, InsightAudience):
        await session.exec(delete(table).where(col(table.insight_id) == insight.id))
    await session.flush()
    await _write_details(session, insight, content)


def _columns(content: InsightContent) -> dict[str, Any]:
    return {
        "title": content.title,
        "finding": content.finding,
        "evidence": content.evidence,
        "source_study": content.source_study,
        "method": content.method,
        "participants": content.participants,
        "confidence": content.confidence,
        "is_private": content.is_private,
    }


async def _write_details(session: AsyncSession, insight: Insight, content: InsightContent) -> None:
    assert insight.id is not None
    ws = insight.workspace_id
    session.add_all(InsightTag(insight_id=insight.id, workspace_id=ws, tag=t) for t in content.tags)
    keys: dict[str, str] = {}
    for text in content.items:
        keys.setdefault(item_key(text), text.strip()[:200])
    session.add_all(
        InsightLink(
            insight_id=insight.id, workspace_id=ws, team_id=insight.team_id, item_key=k, item_text=t
        )
        for k, t in keys.items()
    )
    session.add_all(
        InsightAudience(
            insight_id=insight.id,
            workspace_id=ws,
            platform=a.platform,
            kind=a.kind,
            target_id=a.target_id,
            label=a.label[:200],
        )
        for a in content.audience
    )
    await session.flush()


async def retract(session: AsyncSession, insight: Insight, by: str, now: datetime) -> None:
    insight.retracted_at = now
    insight.retracted_by = by
    insight.updated_at = now
    session.add(insight)
    await session.flush()


async def find(session: AsyncSession, workspace_id: str, insight_id: int) -> Insight | None:
    statement = select(Insight).where(
        Insight.workspace_id == workspace_id, Insight.id == insight_id
    )
    return (await session.exec(statement)).first()


async def load(session: AsyncSession, insight: Insight) -> InsightView:
    return (await load_many(session, [insight]))[0]


async def load_many(session: AsyncSession, insights: Sequence[Insight]) -> list[InsightView]:
    """Views for many insights in three queries, whatever their number."""
    ids = [i.id for i in insights]
    tags: dict[int, list[str]] = defaultdict(list)
    items: dict[int, list[str]] = defaultdict(list)
    audience: dict[int, list[AudienceEntry]] = defaultdict(list)
    if ids:
        tag_rows = await session.exec(
            select(InsightTag)
            .where(col(InsightTag.insight_id).in_(ids))
            .order_by(col(InsightTag.id))
        )
        for tag in tag_rows.all():
            tags[tag.insight_id].append(tag.tag)
        link_rows = await session.exec(
            select(InsightLink)
            .where(col(InsightLink.insight_id).in_(ids))
            .order_by(col(InsightLink.id))
        )
        for link in link_rows.all():
            items[link.insight_id].append(link.item_text)
        audience_rows = await session.exec(
            select(InsightAudience)
            .where(col(InsightAudience.insight_id).in_(ids))
            .order_by(col(InsightAudience.id))
        )
        for row in audience_rows.all():
            audience[row.insight_id].append(
                AudienceEntry(row.platform, row.kind, row.target_id, row.label)
            )
    return [
        InsightView(i, tags[i.id or 0], items[i.id or 0], audience[i.id or 0]) for i in insights
    ]


async def recent(
    session: AsyncSession,
    workspace_id: str,
    *,
    since: datetime | None = None,
    tag: str | None = None,
    limit: int = 500,
) -> list[Insight]:
    """Live (not retracted) insights, newest first."""
    statement = select(Insight).where(
        Insight.workspace_id == workspace_id, col(Insight.retracted_at).is_(None)
    )
    if since is not None:
        statement = statement.where(Insight.created_at >= since)
    if tag is not None:
        tagged = select(InsightTag.insight_id).where(
            InsightTag.workspace_id == workspace_id, InsightTag.tag == tag
        )
        statement = statement.where(col(Insight.id).in_(tagged))
    statement = statement.order_by(col(Insight.created_at).desc(), col(Insight.id).desc())
    return list((await session.exec(statement.limit(limit))).all())


async def insight_counts_for_items(
    session: AsyncSession, team_id: int, items: list[str]
) -> dict[str, int]:
    """item text -> how many live, public insights of the team link to it (case, spacing ignored).

    Private insights are left out: a count shown in a channel must not hint at them.
    """
    keys = {text: item_key(text) for text in items}
    if not keys:
        return {}
    statement = (
        select(InsightLink.item_key, func.count(func.distinct(InsightLink.insight_id)))
        .join(Insight, Insight.id == InsightLink.insight_id)  # type: ignore[arg-type]
        .where(
            InsightLink.team_id == team_id,
            col(InsightLink.item_key).in_(set(keys.values())),
            col(Insight.retracted_at).is_(None),
            col(Insight.is_private).is_(False),
        )
        .group_by(InsightLink.item_key)
    )
    counts = {key: int(count) for key, count in (await session.exec(statement)).all()}
    return {text: counts.get(key, 0) for text, key in keys.items()}


# Subscriptions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionTarget:
    workspace_id: str
    platform: str
    kind: str  # "channel" or "person"
    target_id: str
    name: str = ""


async def subscribe(
    session: AsyncSession,
    target: SubscriptionTarget,
    tags: Sequence[str],
    *,
    by: str,
    now: datetime,
) -> list[str]:
    """Adds the tags; returns those that were new (re-subscribing is harmless)."""
    added: list[str] = []
    for tag in tags:
        statement = insert_for(session, InsightSubscription).values(
            workspace_id=target.workspace_id,
            platform=target.platform,
            kind=target.kind,
            target_id=target.target_id,
            target_name=target.name[:200],
            tag=tag,
            created_by=by,
            created_at=now,
        )
        result: Any = await session.exec(
            statement.on_conflict_do_nothing(
                index_elements=["workspace_id", "platform", "kind", "target_id", "tag"]
            )
        )
        if result.rowcount == 1:
            added.append(tag)
    return added


async def unsubscribe(
    session: AsyncSession, target: SubscriptionTarget, tags: Sequence[str] | None
) -> list[str]:
    """Removes the tags (all when None); returns the tags that were removed."""
    statement = select(InsightSubscription).where(
        InsightSubscription.workspace_id == target.workspace_id,
        InsightSubscription.platform == target.platform,
        InsightSubscription.kind == target.kind,
        InsightSubscription.target_id == target.target_id,
    )
    if tags is not None:
        statement = statement.where(col(InsightSubscription.tag).in_(tags))
    rows = list((await session.exec(statement)).all())
    for row in rows:
        await session.delete(row)
    await session.flush()
    return sorted(row.tag for row in rows)


async def subscriptions(
    session: AsyncSession, workspace_id: str, *, tags: Sequence[str] | None = None
) -> list[InsightSubscription]:
    statement = select(InsightSubscription).where(InsightSubscription.workspace_id == workspace_id)
    if tags is not None:
        statement = statement.where(col(InsightSubscription.tag).in_(tags))
    statement = statement.order_by(
        InsightSubscription.kind, InsightSubscription.target_id, InsightSubscription.tag
    )
    return list((await session.exec(statement)).all())


# Deliveries -------------------------------------------------------------------------------


async def record_delivery(
    session: AsyncSession,
    insight_id: int,
    workspace_id: str,
    *,
    platform: str,
    kind: str,
    target_id: str,
    channel_id: str,
    message_id: str,
    now: datetime,
) -> None:
    """Remembers where a copy was posted; re-posting to the same target replaces the ref."""
    statement = insert_for(session, InsightDelivery).values(
        insight_id=insight_id,
        workspace_id=workspace_id,
        platform=platform,
        kind=kind,
        target_id=target_id,
        channel_id=channel_id,
        message_id=message_id,
        delivered_at=now,
    )
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["insight_id", "kind", "target_id"],
            set_={"channel_id": channel_id, "message_id": message_id, "delivered_at": now},
        )
    )


async def deliveries(session: AsyncSession, insight_id: int) -> list[InsightDelivery]:
    statement = (
        select(InsightDelivery)
        .where(InsightDelivery.insight_id == insight_id)
        .order_by(col(InsightDelivery.id))
    )
    return list((await session.exec(statement)).all())


async def forget_delivery(session: AsyncSession, delivery_id: int) -> None:
    """The copy was withdrawn (the insight no longer reaches that place)."""
    await session.exec(delete(InsightDelivery).where(col(InsightDelivery.id) == delivery_id))


async def delivery_of_message(
    session: AsyncSession, workspace_id: str, channel_id: str, message_id: str
) -> InsightDelivery | None:
    statement = select(InsightDelivery).where(
        InsightDelivery.workspace_id == workspace_id,
        InsightDelivery.channel_id == channel_id,
        InsightDelivery.message_id == message_id,
    )
    return (await session.exec(statement)).first()


# Acknowledgements -------------------------------------------------------------------------


async def acknowledge(
    session: AsyncSession,
    insight: Insight,
    *,
    user_id: str,
    display_name: str,
    kind: str,
    reason: str,
    now: datetime,
) -> None:
    """One answer per person and insight: answering again changes it."""
    statement = insert_for(session, InsightAck).values(
        insight_id=insight.id,
        workspace_id=insight.workspace_id,
        user_id=user_id,
        display_name=display_name[:200],
        kind=kind,
        reason=reason[:300],
        created_at=now,
        updated_at=now,
    )
    updates: dict[str, Any] = {"kind": kind, "reason": reason[:300], "updated_at": now}
    if display_name:
        updates["display_name"] = display_name[:200]
    await session.exec(
        statement.on_conflict_do_update(index_elements=["insight_id", "user_id"], set_=updates)
    )


async def acks(session: AsyncSession, insight_id: int) -> list[InsightAck]:
    statement = (
        select(InsightAck).where(InsightAck.insight_id == insight_id).order_by(col(InsightAck.id))
    )
    return list((await session.exec(statement)).all())


async def unanswered_for(
    session: AsyncSession, workspace_id: str, platform: str, user_id: str, limit: int = 20
) -> list[Insight]:
    """Live insights sent to this person directly that they have not answered, newest first."""
    answered = select(InsightAck.insight_id).where(
        InsightAck.workspace_id == workspace_id, InsightAck.user_id == user_id
    )
    statement = (
        select(Insight)
        .join(InsightDelivery, col(InsightDelivery.insight_id) == col(Insight.id))
        .where(
            InsightDelivery.workspace_id == workspace_id,
            InsightDelivery.platform == platform,
            InsightDelivery.kind == "person",
            InsightDelivery.target_id == user_id,
        )
        .where(col(Insight.retracted_at).is_(None), col(Insight.id).not_in(answered))
        .order_by(col(Insight.created_at).desc())
        .limit(limit)
    )
    return list((await session.exec(statement)).unique().all())
