"""Which product team a conversation belongs to."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import case, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.core import ProductTeam
from storage.repositories.roster import bump
from storage.upsert import insert_for

DEFAULT_SLUG = "default"
DEFAULT_NAME = "Product team"


class Place(Protocol):
    """Where something was said: any value with these two fields (the core's Conversation)."""

    @property
    def workspace_id(self) -> str: ...

    @property
    def channel_id(self) -> str: ...


async def team_for(session: AsyncSession, conversation: Place, now: datetime) -> ProductTeam:
    """The team whose home channel this is, else the workspace's default team: one statement
    for both (every `/who` asks this)."""
    home = col(ProductTeam.channel_id) == conversation.channel_id
    statement = (
        select(ProductTeam)
        .where(
            ProductTeam.workspace_id == conversation.workspace_id,
            or_(home, col(ProductTeam.slug) == DEFAULT_SLUG),
        )
        .order_by(case((home, 0), else_=1))
        .limit(1)
    )
    team = (await session.exec(statement)).first()
    return team or await default_team(session, conversation.workspace_id, now)


async def default_team(session: AsyncSession, workspace_id: str, now: datetime) -> ProductTeam:
    statement = select(ProductTeam).where(
        ProductTeam.workspace_id == workspace_id, ProductTeam.slug == DEFAULT_SLUG
    )
    team = (await session.exec(statement)).first()
    if team is not None:
        return team
    await bump(session, workspace_id)
    insert = insert_for(session, ProductTeam).values(
        workspace_id=workspace_id, slug=DEFAULT_SLUG, name=DEFAULT_NAME, created_at=now
    )
    await session.exec(insert.on_conflict_do_nothing(index_elements=["workspace_id", "slug"]))
    return (await session.exec(statement)).one()
