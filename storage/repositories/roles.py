"""Roles, who holds them, and the RACI matrix, per product team. Every write here changes the
workspace's roster stamp in the same transaction (`storage.repositories.roster`): replicas'
caches of the matrix go by it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.core import ProductTeam
from storage.models.roles import Decision, RaciChange, RaciEntry, Role, RoleAssignment
from storage.repositories.roster import bump
from storage.upsert import insert_for


@dataclass(frozen=True)
class MatrixRows:
    """Everything a team's matrix is made of, loaded in four indexed queries."""

    roles: list[Role]
    assignments: list[RoleAssignment]
    decisions: list[Decision]
    entries: list[RaciEntry]


def _team_id(team: ProductTeam) -> int:
    assert team.id is not None
    return team.id


async def load(session: AsyncSession, team: ProductTeam) -> MatrixRows:
    team_id = _team_id(team)
    roles = (await session.exec(select(Role).where(Role.team_id == team_id))).all()
    assignments = (
        await session.exec(select(RoleAssignment).where(RoleAssignment.team_id == team_id))
    ).all()
    decisions = (await session.exec(select(Decision).where(Decision.team_id == team_id))).all()
    decision_ids = [d.id for d in decisions]
    entries = (
        (
            await session.exec(
                select(RaciEntry).where(col(RaciEntry.decision_id).in_(decision_ids))
            )
        ).all()
        if decision_ids
        else []
    )
    return MatrixRows(list(roles), list(assignments), list(decisions), list(entries))


async def roles_by_person(session: AsyncSession, team_id: int) -> dict[str, list[str]]:
    """user_id -> the names of the roles that person holds in the team (for splits by role)."""
    statement = (
        select(RoleAssignment.user_id, Role.name)
        .join(Role, col(Role.id) == col(RoleAssignment.role_id))
        .where(RoleAssignment.team_id == team_id)
        .order_by(col(Role.name))
    )
    held: dict[str, list[str]] = defaultdict(list)
    for user_id, role_name in (await session.exec(statement)).all():
        held[user_id].append(role_name)
    return dict(held)


async def ensure_role(
    session: AsyncSession, team: ProductTeam, name: str, key: str, now: datetime
) -> Role:
    """The team's role with this key, created when missing (concurrency-safe)."""
    await bump(session, team.workspace_id)
    insert = insert_for(session, Role).values(
        workspace_id=team.workspace_id, team_id=_team_id(team), name=name, key=key, created_at=now
    )
    await session.exec(insert.on_conflict_do_nothing(index_elements=["team_id", "key"]))
    statement = select(Role).where(Role.team_id == _team_id(team), Role.key == key)
    return (await session.exec(statement)).one()


async def delete_role(session: AsyncSession, role: Role) -> None:
    await bump(session, role.workspace_id)
    await session.delete(role)


async def assign(
    session: AsyncSession, role: Role, user_id: str, display_name: str, by: str, now: datetime
) -> bool:
    """True when the person newly holds the role; assigning twice changes nothing."""
    await bump(session, role.workspace_id)
    insert = insert_for(session, RoleAssignment).values(
        workspace_id=role.workspace_id,
        team_id=role.team_id,
        role_id=role.id,
        user_id=user_id,
        display_name=display_name,
        assigned_by=by,
        created_at=now,
    )
    result = await session.exec(
        insert.on_conflict_do_nothing(index_elements=["role_id", "user_id"])
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def unassign(session: AsyncSession, role: Role, user_id: str) -> bool:
    await bump(session, role.workspace_id)
    statement = delete(RoleAssignment).where(
        col(RoleAssignment.role_id) == role.id, col(RoleAssignment.user_id) == user_id
    )
    result = await session.exec(statement)
    return bool(getattr(result, "rowcount", 0))


async def save_decision(
    session: AsyncSession,
    team: ProductTeam,
    name: str,
    key: str,
    aliases: Iterable[str],
    now: datetime,
) -> Decision:
    """Creates or renames-in-place the decision with this key."""
    await bump(session, team.workspace_id)
    statement = select(Decision).where(Decision.team_id == _team_id(team), Decision.key == key)
    decision = (await session.exec(statement)).first()
    if decision is None:
        decision = Decision(
            workspace_id=team.workspace_id,
            team_id=_team_id(team),
            key=key,
            name=name,
            created_at=now,
            updated_at=now,
        )
    decision.name = name
    decision.aliases = "\n".join(aliases)
    decision.updated_at = now
    session.add(decision)
    await session.flush()
    return decision


async def replace_entries(
    session: AsyncSession, decision: Decision, letters_by_role_id: Mapping[int, frozenset[str]]
) -> None:
    """The decision's R/A/C/I become exactly `letters_by_role_id`."""
    assert decision.id is not None
    await bump(session, decision.workspace_id)
    await session.exec(delete(RaciEntry).where(col(RaciEntry.decision_id) == decision.id))
    for role_id, letters in letters_by_role_id.items():
        for letter in sorted(letters):
            session.add(
                RaciEntry(
                    workspace_id=decision.workspace_id,
                    decision_id=decision.id,
                    role_id=role_id,
                    letter=letter,
                )
            )
    await session.flush()


async def delete_decision(session: AsyncSession, decision: Decision) -> None:
    await bump(session, decision.workspace_id)
    await session.exec(delete(RaciEntry).where(col(RaciEntry.decision_id) == decision.id))
    await session.delete(decision)


async def log_change(
    session: AsyncSession, team: ProductTeam, actor_id: str, summary: str, now: datetime
) -> None:
    session.add(
        RaciChange(
            workspace_id=team.workspace_id,
            team_id=_team_id(team),
            actor_id=actor_id,
            summary=summary[:500],
            created_at=now,
        )
    )


async def changes_since(
    session: AsyncSession, team_id: int, since: datetime, *, until: datetime | None = None
) -> list[RaciChange]:
    statement = (
        select(RaciChange)
        .where(RaciChange.team_id == team_id, col(RaciChange.created_at) >= since)
        .order_by(col(RaciChange.created_at))
    )
    if until is not None:
        statement = statement.where(col(RaciChange.created_at) < until)
    return list((await session.exec(statement)).all())


@dataclass(frozen=True)
class HeldRole:
    """A role someone holds in a team, and the decisions that role is Accountable for."""

    team: str
    role: str
    accountable_for: tuple[str, ...]


async def held_by(session: AsyncSession, workspace_id: str, user_id: str) -> list[HeldRole]:
    statement = (
        select(ProductTeam.name, Role.name, Role.id)
        .join(Role, col(Role.team_id) == col(ProductTeam.id))
        .join(RoleAssignment, col(RoleAssignment.role_id) == col(Role.id))
        .where(RoleAssignment.workspace_id == workspace_id, RoleAssignment.user_id == user_id)
        .order_by(col(ProductTeam.name), col(Role.name))
    )
    held = list((await session.exec(statement)).all())
    role_ids = [role_id for _, _, role_id in held]
    decisions: dict[int | None, list[str]] = defaultdict(list)
    if role_ids:
        accountable = (
            select(RaciEntry.role_id, Decision.name)
            .join(Decision, col(Decision.id) == col(RaciEntry.decision_id))
            .where(col(RaciEntry.role_id).in_(role_ids), RaciEntry.letter == "A")
            .order_by(col(Decision.name))
        )
        for role_id, name in (await session.exec(accountable)).all():
            decisions[role_id].append(name)
    return [HeldRole(team, role, tuple(decisions[role_id])) for team, role, role_id in held]
