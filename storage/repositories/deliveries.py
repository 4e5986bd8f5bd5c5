"""The fan-out outbox: one row per recipient, written before posting, marked after."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.deliveries import Delivery
from storage.upsert import insert_for


async def add(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Inserts the rows; a key already present is kept as it is."""
    if not rows:
        return
    statement = insert_for(session, Delivery).values(list(rows))
    await session.exec(statement.on_conflict_do_nothing(index_elements=["key"]))


async def pending(session: AsyncSession, batch: str, limit: int | None = None) -> list[Delivery]:
    """The batch's rows still to post, in the order they were queued."""
    statement = (
        select(Delivery)
        .where(Delivery.batch == batch)
        .where(col(Delivery.delivered_at).is_(None), col(Delivery.failed_at).is_(None))
        .order_by(col(Delivery.id))
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def pending_batches(
    session: AsyncSession, limit: int = 100, topics: Collection[str] | None = None
) -> list[str]:
    """Batches with rows still to post, of any topic or only of `topics`."""
    statement = (
        select(Delivery.batch)
        .where(col(Delivery.delivered_at).is_(None), col(Delivery.failed_at).is_(None))
        .distinct()
        .limit(limit)
    )
    if topics is not None:
        statement = statement.where(col(Delivery.topic).in_(list(topics)))
    return [str(batch) for batch in (await session.exec(statement)).all()]


async def mark_attempted(session: AsyncSession, ids: Sequence[int], now: datetime) -> None:
    """Before posting: from here on the post may exist even if its answer is never recorded."""
    await session.exec(
        update(Delivery)
        .where(col(Delivery.id).in_(list(ids)))
        .values(attempts=Delivery.attempts + 1, attempted_at=now)
    )


async def mark_delivered(
    session: AsyncSession, delivery_id: int, channel_id: str, message_id: str, now: datetime
) -> None:
    await session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(channel_id=channel_id, message_id=message_id, delivered_at=now, error="")
    )


async def mark_failed(
    session: AsyncSession, ids: Sequence[int], error: str, now: datetime, *, final: bool
) -> None:
    """Records why; `final` stops retrying (gave up, or nothing is left to post)."""
    await session.exec(
        update(Delivery)
        .where(col(Delivery.id).in_(list(ids)))
        .values(error=error[:255], failed_at=now if final else None)
    )


async def delivered(session: AsyncSession, topic: str, subject: str) -> list[Delivery]:
    """Every posted copy of one subject (to edit, tally or retract them all)."""
    statement = (
        select(Delivery)
        .where(Delivery.topic == topic, Delivery.subject == subject)
        .where(col(Delivery.delivered_at).is_not(None))
        .order_by(col(Delivery.id))
    )
    return list((await session.exec(statement)).all())


async def delivered_in_topic(session: AsyncSession, topic: str) -> list[Delivery]:
    """Every posted copy of every subject of `topic` (to keep them all current)."""
    statement = (
        select(Delivery)
        .where(Delivery.topic == topic, col(Delivery.delivered_at).is_not(None))
        .order_by(col(Delivery.id))
    )
    return list((await session.exec(statement)).all())


async def queued(session: AsyncSession, topic: str, subject_prefix: str) -> bool:
    """Whether any delivery of `topic` whose subject starts so was queued (sent or not)."""
    statement = (
        select(Delivery.id)
        .where(Delivery.topic == topic)
        .where(col(Delivery.subject).startswith(subject_prefix, autoescape=True))
        .limit(1)
    )
    return (await session.exec(statement)).first() is not None


async def pending_count(session: AsyncSession) -> int:
    """Rows still to post, in every batch (the `ix_delivery_pending` index answers it)."""
    statement = (
        select(func.count())
        .select_from(Delivery)
        .where(col(Delivery.delivered_at).is_(None), col(Delivery.failed_at).is_(None))
    )
    return int((await session.exec(statement)).one())


async def waiting_for(
    session: AsyncSession, topic: str, platform: str, workspace_id: str, target_id: str
) -> bool:
    """Whether a post of `topic` to this target is queued and not yet made (or given up)."""
    statement = (
        select(Delivery.id)
        .where(Delivery.topic == topic, Delivery.platform == platform)
        .where(Delivery.workspace_id == workspace_id, Delivery.target_id == target_id)
        .where(col(Delivery.delivered_at).is_(None), col(Delivery.failed_at).is_(None))
        .limit(1)
    )
    return (await session.exec(statement)).first() is not None
