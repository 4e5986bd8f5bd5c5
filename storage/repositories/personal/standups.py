"""Stand-up answers, memberships, zones, days away; and the retention of answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.standups import (
    StandupAnswer,
    StandupHoliday,
    StandupMember,
    StandupPrompt,
    StandupSkip,
    StandupSummaryPost,
    StandupTeam,
    StandupTimezone,
)
from storage.repositories.personal import former_id


async def answers(
    session: AsyncSession, workspace_id: str, user_id: str
) -> list[tuple[str, StandupAnswer]]:
    """(team name, answer), oldest first."""
    statement = (
        select(StandupTeam.name, StandupAnswer)
        .join(StandupAnswer, col(StandupAnswer.standup_id) == col(StandupTeam.id))
        .where(StandupAnswer.workspace_id == workspace_id, StandupAnswer.user_id == user_id)
        .order_by(col(StandupAnswer.day), StandupTeam.name)
    )
    return [(team, answer) for team, answer in (await session.exec(statement)).all()]


async def teams_of(session: AsyncSession, workspace_id: str, user_id: str) -> list[str]:
    statement = (
        select(StandupTeam.name)
        .join(StandupMember, col(StandupMember.standup_id) == col(StandupTeam.id))
        .where(StandupMember.workspace_id == workspace_id, StandupMember.user_id == user_id)
        .order_by(StandupTeam.name)
    )
    return list((await session.exec(statement)).all())


async def own_zone(session: AsyncSession, workspace_id: str, user_id: str) -> str | None:
    statement = select(StandupTimezone.timezone).where(
        StandupTimezone.workspace_id == workspace_id, StandupTimezone.user_id == user_id
    )
    return (await session.exec(statement)).first()


async def days_away(
    session: AsyncSession, workspace_id: str, user_id: str
) -> list[tuple[date, date]]:
    statement = (
        select(StandupSkip)
        .where(StandupSkip.workspace_id == workspace_id, StandupSkip.user_id == user_id)
        .order_by(col(StandupSkip.first_day))
    )
    return [(skip.first_day, skip.last_day) for skip in (await session.exec(statement)).all()]


async def erase(session: AsyncSession, workspace_id: str, user_id: str) -> int:
    """Answers, memberships, zone and days away go; the record of who was prompted stays
    under a stand-in id, so past participation rates still add up."""
    erased = 0
    for table in (StandupAnswer, StandupMember, StandupTimezone, StandupSkip, StandupSummaryPost):
        result = await session.exec(
            delete(table).where(
                col(table.workspace_id) == workspace_id, col(table.user_id) == user_id
            )
        )
        erased += int(result.rowcount)
    await session.exec(
        update(StandupPrompt)
        .where(
            col(StandupPrompt.workspace_id) == workspace_id,
            col(StandupPrompt.user_id) == user_id,
        )
        .values(user_id=former_id())
    )
    await session.exec(
        update(StandupTeam)
        .where(
            col(StandupTeam.workspace_id) == workspace_id, col(StandupTeam.created_by) == user_id
        )
        .values(created_by="")
    )
    await session.exec(
        update(StandupHoliday)
        .where(
            col(StandupHoliday.workspace_id) == workspace_id,
            col(StandupHoliday.created_by) == user_id,
        )
        .values(created_by="")
    )
    return erased


async def erase_answers_before(session: AsyncSession, first_kept: date) -> int:
    """Every answer for a day before `first_kept`, in every workspace."""
    result = await session.exec(delete(StandupAnswer).where(col(StandupAnswer.day) < first_kept))
    return int(result.rowcount)
