"""Public research behind backlog items, as votes weigh it (read-only over insight rows)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.insights import Insight, InsightLink
from storage.models.votes import Poll
from storage.repositories.insights import item_key


@dataclass(frozen=True)
class LinkedInsight:
    insight_id: int
    title: str
    confidence: str  # low, medium or high
    item_key: str
    item_text: str


@dataclass(frozen=True)
class PublishedInsight:
    """A live, public insight with the backlog items it links to (their texts)."""

    insight_id: int
    title: str
    confidence: str
    created_at: datetime
    items: tuple[str, ...]


async def public_links(
    session: AsyncSession,
    team_id: int,
    items: Iterable[str] | None = None,
    *,
    since: datetime | None = None,
) -> list[LinkedInsight]:
    """Live, public insights of the team linked to backlog items (to `items` only, when
    given; created since `since`, when given). Private insights never count: what a vote
    shows in a channel must not hint at them."""
    statement = (
        select(Insight, InsightLink)
        .join(Insight, col(Insight.id) == col(InsightLink.insight_id))
        .where(
            InsightLink.team_id == team_id,
            col(Insight.retracted_at).is_(None),
            col(Insight.is_private).is_(False),
        )
        .order_by(col(Insight.id), col(InsightLink.id))
    )
    if items is not None:
        keys = {item_key(text) for text in items}
        if not keys:
            return []
        statement = statement.where(col(InsightLink.item_key).in_(keys))
    if since is not None:
        statement = statement.where(col(Insight.created_at) >= since)
    return [
        LinkedInsight(
            insight.id or 0, insight.title, insight.confidence, link.item_key, link.item_text
        )
        for insight, link in (await session.exec(statement)).all()
    ]


async def unreferenced(
    session: AsyncSession, team_id: int, since: datetime, until: datetime
) -> list[PublishedInsight]:
    """Live, public insights of the team published in [since, until) that no vote refers to,
    oldest first. A vote refers to an insight when it lists one of the insight's backlog items
    and was open at some time between the insight's publication and `until` (so its ballot
    could show it); an insight linked to no item is referred to by none."""
    statement = (
        select(Insight)
        .where(
            Insight.team_id == team_id,
            col(Insight.retracted_at).is_(None),
            col(Insight.is_private).is_(False),
            col(Insight.created_at) >= since,
            col(Insight.created_at) < until,
        )
        .order_by(col(Insight.created_at), col(Insight.id))
    )
    insights = list((await session.exec(statement)).all())
    if not insights:
        return []
    links: dict[int, dict[str, str]] = defaultdict(dict)
    rows = await session.exec(
        select(InsightLink)
        .where(col(InsightLink.insight_id).in_([i.id for i in insights]))
        .order_by(col(InsightLink.id))
    )
    for link in rows.all():
        links[link.insight_id][link.item_key] = link.item_text
    polls = await session.exec(
        select(Poll.items, Poll.closed_at).where(
            Poll.team_id == team_id,
            col(Poll.created_at) < until,
            or_(col(Poll.closed_at).is_(None), col(Poll.closed_at) >= insights[0].created_at),
        )
    )
    votes = [({item_key(i) for i in json.loads(items)}, closed) for items, closed in polls.all()]
    found: list[PublishedInsight] = []
    for insight in insights:
        keys = links[insight.id or 0]
        if any(
            keys.keys() & listed and (closed is None or closed >= insight.created_at)
            for listed, closed in votes
        ):
            continue
        found.append(
            PublishedInsight(
                insight.id or 0,
                insight.title,
                insight.confidence,
                insight.created_at,
                tuple(keys.values()),
            )
        )
    return found
