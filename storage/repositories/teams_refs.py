"""Where the bot can reach Teams conversations and people later, without being spoken to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.teams_refs import TeamsReference
from storage.upsert import insert_for

CHANNEL = "channel"
PERSONAL = "personal"
MEMBER = "member"


@dataclass(frozen=True)
class Seen:
    """One conversation or person to remember; `reference` is a serialised ConversationReference."""

    workspace_id: str
    kind: str
    subject_id: str
    conversation_id: str
    service_url: str
    reference: str
    user_id: str = ""
    teams_user_id: str = ""


async def remember(session: AsyncSession, seen: Seen, now: datetime) -> None:
    """Upserts: the newest reference wins (service URLs move between regions)."""
    values: dict[str, Any] = {
        "workspace_id": seen.workspace_id[:64],
        "kind": seen.kind,
        "subject_id": seen.subject_id[:255],
        "conversation_id": seen.conversation_id[:255],
        "user_id": seen.user_id[:128],
        "teams_user_id": seen.teams_user_id[:255],
        "service_url": seen.service_url[:500],
        "reference": seen.reference,
        "updated_at": now,
    }
    updates = {
        key: values[key] for key in ("conversation_id", "service_url", "reference", "updated_at")
    }
    if seen.teams_user_id:
        updates["teams_user_id"] = values["teams_user_id"]
    statement = insert_for(session, TeamsReference).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["workspace_id", "kind", "subject_id"], set_=updates
    )
    await session.exec(statement)


async def for_conversation(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> TeamsReference | None:
    """The reference of a channel, group chat or 1:1 chat, by conversation id."""
    statement = (
        select(TeamsReference)
        .where(
            TeamsReference.workspace_id == workspace_id,
            TeamsReference.conversation_id == conversation_id,
            col(TeamsReference.kind).in_((CHANNEL, PERSONAL)),
        )
        .order_by(col(TeamsReference.updated_at).desc())
    )
    return (await session.exec(statement)).first()


async def for_person(
    session: AsyncSession, workspace_id: str, user_id: str, kind: str
) -> TeamsReference | None:
    statement = select(TeamsReference).where(
        TeamsReference.workspace_id == workspace_id,
        TeamsReference.kind == kind,
        TeamsReference.subject_id == user_id,
    )
    return (await session.exec(statement)).first()


async def any_in_workspace(session: AsyncSession, workspace_id: str) -> TeamsReference | None:
    """The freshest reference in a tenant: its service URL and bot account open new 1:1 chats."""
    statement = (
        select(TeamsReference)
        .where(TeamsReference.workspace_id == workspace_id)
        .order_by(col(TeamsReference.updated_at).desc())
    )
    return (await session.exec(statement)).first()


async def user_ids_by_teams_id(
    session: AsyncSession, workspace_id: str, teams_user_ids: set[str]
) -> dict[str, str]:
    """Maps Teams `29:` ids to the user ids the core knows people by, for those seen before."""
    if not teams_user_ids:
        return {}
    statement = select(TeamsReference).where(
        TeamsReference.workspace_id == workspace_id,
        col(TeamsReference.teams_user_id).in_(teams_user_ids),
        col(TeamsReference.kind).in_((PERSONAL, MEMBER)),
    )
    return {row.teams_user_id: row.user_id for row in (await session.exec(statement)).all()}
