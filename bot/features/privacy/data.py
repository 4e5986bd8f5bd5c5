"""One person's data across features: read through each feature's public functions."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features import insights, roles, standups, votes
from bot.features.privacy import decisions
from storage.repositories.personal import core

Records = dict[str, list[dict[str, object]]]


async def gather(session: AsyncSession, workspace_id: str, user_id: str) -> Records:
    entry = await core.directory_entry(session, workspace_id, user_id)
    found: Records = {
        "people directory": [
            {
                "user id": entry.user_id,
                "platform": entry.platform,
                "name": entry.display_name,
                "time zone": entry.timezone,
                "last seen": entry.last_seen_at.isoformat(),
            }
        ]
        if entry
        else []
    }
    for feature in (roles, standups, votes, insights):
        found.update(await feature.personal_data(session, workspace_id, user_id))
    names = {entry.display_name} if entry and entry.display_name else set()
    found.update(await decisions.personal_data(session, workspace_id, user_id, names))
    return found


async def erase(session: AsyncSession, workspace_id: str, user_id: str, names: set[str]) -> int:
    """Everything personal goes in one transaction; counts and shared work stay, unnamed."""
    changed = await decisions.forget_person(session, workspace_id, user_id, names)
    changed += await roles.forget_person(session, workspace_id, user_id, names)
    changed += await standups.forget_person(session, workspace_id, user_id)
    changed += await votes.forget_person(session, workspace_id, user_id)
    changed += await insights.forget_person(session, workspace_id, user_id)
    return changed + await core.erase(session, workspace_id, user_id)
