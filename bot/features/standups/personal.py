"""What the stand-ups feature holds about one person; and the retention of answers."""

from __future__ import annotations

from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features.standups.service import load_entries
from storage.repositories.personal import standups as stored

Records = dict[str, list[dict[str, object]]]


async def personal_data(session: AsyncSession, workspace_id: str, user_id: str) -> Records:
    zone = await stored.own_zone(session, workspace_id, user_id)
    return {
        "stand-up teams": [
            {"team": name} for name in await stored.teams_of(session, workspace_id, user_id)
        ],
        "stand-up answers": [
            {
                "team": team,
                "day": answer.day.isoformat(),
                "on time": answer.on_time,
                "answers": {entry.question: entry.answer for entry in load_entries(answer)},
            }
            for team, answer in await stored.answers(session, workspace_id, user_id)
        ],
        "stand-up days away": [
            {"from": first.isoformat(), "to": last.isoformat()}
            for first, last in await stored.days_away(session, workspace_id, user_id)
        ],
        "stand-up time zone": [{"time zone": zone}] if zone else [],
    }


async def forget_person(session: AsyncSession, workspace_id: str, user_id: str) -> int:
    return await stored.erase(session, workspace_id, user_id)


async def erase_answers_before(session: AsyncSession, first_kept: date) -> int:
    """Retention: answers for days before `first_kept` are deleted everywhere."""
    return await stored.erase_answers_before(session, first_kept)
