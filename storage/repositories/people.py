"""The people the bot has met, so names and time zones are known without asking the platform."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.core import Person
from storage.upsert import insert_for


async def remember(
    session: AsyncSession,
    *,
    platform: str,
    workspace_id: str,
    user_id: str,
    display_name: str,
    timezone: str | None,
    now: datetime,
) -> None:
    """Upserts the person; names and zones only ever improve (blank values never erase)."""
    values: dict[str, Any] = {
        "workspace_id": workspace_id,
        "platform": platform,
        "user_id": user_id,
        "display_name": display_name[:200],
        "timezone": timezone,
        "last_seen_at": now,
    }
    updates: dict[str, Any] = {"last_seen_at": now}
    if display_name:
        updates["display_name"] = values["display_name"]
    if timezone:
        updates["timezone"] = timezone
    statement = insert_for(session, Person).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["workspace_id", "user_id"], set_=updates
    )
    await session.exec(statement)


async def find(session: AsyncSession, workspace_id: str, user_id: str) -> Person | None:
    statement = select(Person).where(Person.workspace_id == workspace_id, Person.user_id == user_id)
    return (await session.exec(statement)).first()


async def names(session: AsyncSession, workspace_id: str, user_ids: set[str]) -> dict[str, str]:
    """Display names for user ids; ids the bot never met map to themselves."""
    if not user_ids:
        return {}
    statement = select(Person).where(
        Person.workspace_id == workspace_id, col(Person.user_id).in_(user_ids)
    )
    found = {p.user_id: p.display_name or p.user_id for p in (await session.exec(statement)).all()}
    return {uid: found.get(uid, uid) for uid in user_ids}
