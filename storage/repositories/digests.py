"""Digest schedules and posts, plus the week-bounded reads a digest is built from.

Every read here is bounded by a time range on an indexed column, so building a digest costs
the same after five years as after five weeks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.digests import DigestPost, DigestSchedule
from storage.models.insights import Insight, InsightAck
from storage.models.votes import Poll
from storage.upsert import insert_for


async def schedule_for(
    session: AsyncSession, workspace_id: str, platform: str, channel_id: str
) -> DigestSchedule | None:
    statement = select(DigestSchedule).where(
        DigestSchedule.workspace_id == workspace_id,
        DigestSchedule.platform == platform,
        DigestSchedule.channel_id == channel_id,
    )
    return (await session.exec(statement)).first()


async def save_schedule(session: AsyncSession, schedule: DigestSchedule) -> DigestSchedule:
    session.add(schedule)
    await session.flush()
    return schedule


async def enabled_schedules(session: AsyncSession) -> list[DigestSchedule]:
    statement = select(DigestSchedule).where(col(DigestSchedule.enabled).is_(True))
    return list((await session.exec(statement)).all())


async def schedule_by_id(session: AsyncSession, schedule_id: int) -> DigestSchedule | None:
    return await session.get(DigestSchedule, schedule_id)


async def was_posted(session: AsyncSession, schedule_id: int, period: str) -> bool:
    statement = select(DigestPost.id).where(
        DigestPost.schedule_id == schedule_id, DigestPost.period == period
    )
    return (await session.exec(statement)).first() is not None


async def record_post(
    session: AsyncSession, schedule: DigestSchedule, period: str, message_id: str, now: datetime
) -> None:
    insert = insert_for(session, DigestPost).values(
        workspace_id=schedule.workspace_id,
        schedule_id=schedule.id,
        period=period,
        message_id=message_id,
        posted_at=now,
    )
    await session.exec(insert.on_conflict_do_nothing(index_elements=["schedule_id", "period"]))


async def posts(session: AsyncSession, schedule_id: int) -> list[DigestPost]:
    statement = (
        select(DigestPost)
        .where(DigestPost.schedule_id == schedule_id)
        .order_by(col(DigestPost.posted_at))
    )
    return list((await session.exec(statement)).all())


# Week-bounded reads --------------------------------------------------------------------------


async def polls_opened(
    session: AsyncSession, workspace_id: str, channel_id: str, start: datetime, end: datetime
) -> list[Poll]:
    statement = select(Poll).where(
        Poll.workspace_id == workspace_id,
        Poll.channel_id == channel_id,
        col(Poll.created_at) >= start,
        col(Poll.created_at) < end,
    )
    return list((await session.exec(statement)).all())


async def polls_closed(
    session: AsyncSession, workspace_id: str, channel_id: str, start: datetime, end: datetime
) -> list[Poll]:
    statement = select(Poll).where(
        col(Poll.closed_at) >= start,
        col(Poll.closed_at) < end,
        Poll.workspace_id == workspace_id,
        Poll.channel_id == channel_id,
    )
    return list((await session.exec(statement)).all())


async def polls_open_since(
    session: AsyncSession, workspace_id: str, channel_id: str, before: datetime
) -> list[Poll]:
    """Polls still open that were opened before `before` (decisions waiting too long)."""
    statement = select(Poll).where(
        col(Poll.closed_at).is_(None),
        Poll.workspace_id == workspace_id,
        Poll.channel_id == channel_id,
        col(Poll.created_at) < before,
    )
    return list((await session.exec(statement)).all())


async def public_insights(
    session: AsyncSession, workspace_id: str, team_id: int, start: datetime, end: datetime
) -> list[Insight]:
    """Public, live insights posted in [start, end); private or retracted ones never reach a
    channel digest (a retracted finding is not something to acknowledge)."""
    statement = (
        select(Insight)
        .where(
            Insight.workspace_id == workspace_id,
            col(Insight.created_at) >= start,
            col(Insight.created_at) < end,
            Insight.team_id == team_id,
            col(Insight.is_private).is_(False),
            col(Insight.retracted_at).is_(None),
        )
        .order_by(col(Insight.created_at))
    )
    return list((await session.exec(statement)).all())


async def acknowledgements(session: AsyncSession, insight_ids: Sequence[int]) -> dict[int, int]:
    if not insight_ids:
        return {}
    statement = (
        select(InsightAck.insight_id, func.count())
        .where(col(InsightAck.insight_id).in_(insight_ids))
        .group_by(col(InsightAck.insight_id))
    )
    return {insight_id: count for insight_id, count in (await session.exec(statement)).all()}
