"""Roles and who holds them, per product team."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.roles import Role, RoleAssignment


async def roles_by_person(session: AsyncSession, team_id: int) -> dict[str, list[str]]:
    """user_id -> the names of the roles that person holds in the team (for splits by role)."""
    statement = (
        select(RoleAssignment.user_id, Role.name)
        .join(Role, Role.id == RoleAssignment.role_id)  # type: ignore[arg-type]
        .where(RoleAssignment.team_id == team_id)
        .order_by(Role.name)
    )
    held: dict[str, list[str]] = defaultdict(list)
    for user_id, role_name in (await session.exec(statement)).all():
        held[user_id].append(role_name)
    return dict(held)
