"""The people directory, Teams conversation references and digest schedules."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.core import Person
from storage.models.digests import DigestSchedule
from storage.models.teams_refs import TeamsReference


async def directory_entry(session: AsyncSession, workspace_id: str, user_id: str) -> Person | None:
    statement = select(Person).where(Person.workspace_id == workspace_id, Person.user_id == user_id)
    return (await session.exec(statement)).first()


async def erase(session: AsyncSession, workspace_id: str, user_id: str) -> int:
    """The directory entry, the person's Teams chat references, their name on schedules."""
    erased = 0
    for statement in (
        delete(Person).where(
            col(Person.workspace_id) == workspace_id, col(Person.user_id) == user_id
        ),
        delete(TeamsReference).where(
            col(TeamsReference.workspace_id) == workspace_id,
            col(TeamsReference.kind).in_(("personal", "member")),
            col(TeamsReference.subject_id) == user_id,
        ),
        update(DigestSchedule)
        .where(
            col(DigestSchedule.workspace_id) == workspace_id,
            col(DigestSchedule.updated_by) == user_id,
        )
        .values(updated_by=""),
    ):
        erased += (await session.exec(statement)).rowcount
    return erased
