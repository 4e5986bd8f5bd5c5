"""Insights a person wrote, their answers to insights, follows; and retention of answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.insights import (
    Insight,
    InsightAck,
    InsightAudience,
    InsightDelivery,
    InsightSubscription,
)
from storage.repositories.personal import former_id

PERSON = "person"


async def authored(session: AsyncSession, workspace_id: str, user_id: str) -> list[Insight]:
    statement = (
        select(Insight)
        .where(Insight.workspace_id == workspace_id, Insight.author_id == user_id)
        .order_by(col(Insight.id))
    )
    return list((await session.exec(statement)).all())


async def answers(session: AsyncSession, workspace_id: str, user_id: str) -> list[InsightAck]:
    statement = (
        select(InsightAck)
        .where(InsightAck.workspace_id == workspace_id, InsightAck.user_id == user_id)
        .order_by(col(InsightAck.insight_id))
    )
    return list((await session.exec(statement)).all())


async def follows(session: AsyncSession, workspace_id: str, user_id: str) -> list[str]:
    statement = (
        select(InsightSubscription.tag)
        .where(
            InsightSubscription.workspace_id == workspace_id,
            InsightSubscription.kind == PERSON,
            InsightSubscription.target_id == user_id,
        )
        .order_by(InsightSubscription.tag)
    )
    return list((await session.exec(statement)).all())


async def erase(session: AsyncSession, workspace_id: str, user_id: str, former: str) -> int:
    """Insights stay, written by `former` (e.g. "a former member"); answers stay counted
    without a name or reason; follows, personal copies and places on share lists go."""
    changed = 0
    result = await session.exec(
        update(Insight)
        .where(col(Insight.workspace_id) == workspace_id, col(Insight.author_id) == user_id)
        .values(author_id="", author_name=former)
    )
    changed += int(result.rowcount)
    await session.exec(
        update(Insight)
        .where(col(Insight.workspace_id) == workspace_id, col(Insight.retracted_by) == user_id)
        .values(retracted_by="")
    )
    acks = await session.exec(
        select(InsightAck).where(
            InsightAck.workspace_id == workspace_id, InsightAck.user_id == user_id
        )
    )
    for ack in acks.all():
        ack.user_id, ack.display_name, ack.reason = former_id(), former, ""
        session.add(ack)
        changed += 1
    for table in (InsightSubscription, InsightAudience, InsightDelivery):
        result = await session.exec(
            delete(table).where(
                col(table.workspace_id) == workspace_id,
                col(table.kind) == PERSON,
                col(table.target_id) == user_id,
            )
        )
        changed += int(result.rowcount)
    return changed


async def erase_answers_before(session: AsyncSession, cutoff: datetime) -> int:
    """Every answer to an insight last changed before `cutoff`, in every workspace."""
    result = await session.exec(delete(InsightAck).where(col(InsightAck.updated_at) < cutoff))
    return int(result.rowcount)
