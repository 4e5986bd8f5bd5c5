"""What the insights feature holds about one person; and the retention of answers."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.repositories.personal import insights as stored

Records = dict[str, list[dict[str, object]]]
FORMER_AUTHOR = "a former member"


async def personal_data(session: AsyncSession, workspace_id: str, user_id: str) -> Records:
    return {
        "insights written": [
            {
                "insight": insight.id,
                "title": insight.title,
                "finding": insight.finding,
                "shared": insight.created_at.isoformat(),
            }
            for insight in await stored.authored(session, workspace_id, user_id)
        ],
        "answers to insights": [
            {"insight": ack.insight_id, "answer": ack.kind, "reason": ack.reason}
            for ack in await stored.answers(session, workspace_id, user_id)
        ],
        "followed tags": [
            {"tag": tag} for tag in await stored.follows(session, workspace_id, user_id)
        ],
    }


async def forget_person(session: AsyncSession, workspace_id: str, user_id: str) -> int:
    """Their insights stay for the team, written by "a former member"."""
    return await stored.erase(session, workspace_id, user_id, FORMER_AUTHOR)


async def erase_answers_before(session: AsyncSession, cutoff: datetime) -> int:
    """Retention: Seen / Will act / Disagree answers last changed before `cutoff` go."""
    return await stored.erase_answers_before(session, cutoff)
