"""Roles a person holds, and their traces in the change log."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.core import ProductTeam
from storage.models.roles import RaciChange, Role, RoleAssignment
from storage.repositories.roster import bump

FORMER_MEMBER = "a former member"


async def held(session: AsyncSession, workspace_id: str, user_id: str) -> list[tuple[str, str]]:
    """(team name, role name) for every role the person holds."""
    statement = (
        select(ProductTeam.name, Role.name)
        .join(Role, col(Role.team_id) == col(ProductTeam.id))
        .join(RoleAssignment, col(RoleAssignment.role_id) == col(Role.id))
        .where(RoleAssignment.workspace_id == workspace_id, RoleAssignment.user_id == user_id)
        .order_by(ProductTeam.name, Role.name)
    )
    return [(team, role) for team, role in (await session.exec(statement)).all()]


async def erase(
    session: AsyncSession, workspace_id: str, user_id: str, names: Iterable[str]
) -> int:
    """Drops the assignments; change-log lines keep what changed, not who (by id or name)."""
    as_assigned = await session.exec(
        select(RoleAssignment.display_name).where(
            RoleAssignment.workspace_id == workspace_id, RoleAssignment.user_id == user_id
        )
    )
    names = [*names, *as_assigned.all()]
    await bump(session, workspace_id)
    dropped = await session.exec(
        delete(RoleAssignment).where(
            col(RoleAssignment.workspace_id) == workspace_id,
            col(RoleAssignment.user_id) == user_id,
        )
    )
    await session.exec(
        update(RaciChange)
        .where(col(RaciChange.workspace_id) == workspace_id, col(RaciChange.actor_id) == user_id)
        .values(actor_id="")
    )
    spelled = sorted({name for name in names if name.strip()}, key=len, reverse=True)
    renamed = 0
    if spelled:
        lines = await session.exec(
            select(RaciChange).where(RaciChange.workspace_id == workspace_id)
        )
        for line in lines.all():
            summary = line.summary
            for name in spelled:
                summary = summary.replace(name, FORMER_MEMBER)
            if summary != line.summary:
                line.summary = summary[:500]
                session.add(line)
                renamed += 1
    return int(dropped.rowcount) + renamed
