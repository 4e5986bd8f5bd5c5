"""Blocker escalations: stored once per stuck streak, answered, resolved, reported."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.escalations import RESOLVED, BlockerEscalation
from storage.upsert import insert_for


async def add(session: AsyncSession, values: dict[str, Any]) -> BlockerEscalation | None:
    """Inserts the escalation; None when this streak was already escalated (by any replica)."""
    statement = insert_for(session, BlockerEscalation).values(**values)
    statement = statement.on_conflict_do_nothing(
        index_elements=["standup_id", "user_id", "decision_key", "started_on"]
    ).returning(col(BlockerEscalation.id))
    inserted = (await session.exec(statement)).first()
    if inserted is None:
        return None
    return await session.get(BlockerEscalation, inserted[0])


async def get(session: AsyncSession, escalation_id: int) -> BlockerEscalation | None:
    return await session.get(BlockerEscalation, escalation_id)


async def save(session: AsyncSession, escalation: BlockerEscalation) -> None:
    session.add(escalation)
    await session.flush()


async def of_standup(
    session: AsyncSession, standup_id: int, user_ids: Collection[str] | None = None
) -> list[BlockerEscalation]:
    """A stand-up's escalations (optionally of some raisers), oldest first."""
    statement = select(BlockerEscalation).where(BlockerEscalation.standup_id == standup_id)
    if user_ids is not None:
        statement = statement.where(col(BlockerEscalation.user_id).in_(list(user_ids)))
    statement = statement.order_by(col(BlockerEscalation.escalated_at), col(BlockerEscalation.id))
    return list((await session.exec(statement)).all())


async def unresolved_of(
    session: AsyncSession, standup_id: int, user_id: str, decision_key: str
) -> BlockerEscalation | None:
    statement = select(BlockerEscalation).where(
        BlockerEscalation.standup_id == standup_id,
        BlockerEscalation.user_id == user_id,
        BlockerEscalation.decision_key == decision_key,
        BlockerEscalation.state != RESOLVED,
    )
    return (await session.exec(statement)).first()


async def latest_escalated_on(
    session: AsyncSession, standup_id: int, user_id: str, decision_key: str
) -> date | None:
    statement = (
        select(BlockerEscalation)
        .where(
            BlockerEscalation.standup_id == standup_id,
            BlockerEscalation.user_id == user_id,
            BlockerEscalation.decision_key == decision_key,
        )
        .order_by(col(BlockerEscalation.escalated_on).desc())
    )
    latest = (await session.exec(statement)).first()
    return latest.escalated_on if latest else None


async def of_team(
    session: AsyncSession, team_id: int, since: datetime, until: datetime
) -> list[BlockerEscalation]:
    """A product team's escalations that were raised, answered or resolved in [since, until],
    or are still unresolved: what a digest or a drift check looks at."""
    statement = (
        select(BlockerEscalation)
        .where(BlockerEscalation.team_id == team_id)
        .where(BlockerEscalation.escalated_at <= until)
        .where(
            or_(
                col(BlockerEscalation.escalated_at) >= since,
                col(BlockerEscalation.resolved_at).is_(None),
                col(BlockerEscalation.resolved_at) >= since,
                col(BlockerEscalation.answered_at) >= since,
            )
        )
        .order_by(col(BlockerEscalation.escalated_at), col(BlockerEscalation.id))
    )
    return list((await session.exec(statement)).all())
