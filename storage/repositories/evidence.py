"""Public research behind backlog items, as votes weigh it (read-only over insight rows)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.insights import Insight, InsightLink
from storage.repositories.insights import item_key


@dataclass(frozen=True)
class LinkedInsight:
    insight_id: int
    title: str
    confidence: str  # low, medium or high
    item_key: str
    item_text: str


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
