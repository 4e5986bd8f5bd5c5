"""What the roles feature holds about one person, for `/alignbot my data` and `forget`."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.repositories.personal import roles as stored

Records = dict[str, list[dict[str, object]]]


async def personal_data(session: AsyncSession, workspace_id: str, user_id: str) -> Records:
    return {
        "roles held": [
            {"team": team, "role": role}
            for team, role in await stored.held(session, workspace_id, user_id)
        ]
    }


async def forget_person(
    session: AsyncSession, workspace_id: str, user_id: str, names: Iterable[str]
) -> int:
    """Drops their roles; the change log keeps what changed, naming "a former member"."""
    return await stored.erase(session, workspace_id, user_id, names)
