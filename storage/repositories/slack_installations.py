"""Slack installations, the org workspaces seen under org-wide installs, and OAuth states."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.slack_installations import SlackInstallation, SlackOAuthState, SlackOrgTeam
from storage.upsert import insert_for


async def save(session: AsyncSession, values: dict[str, Any]) -> None:
    """Upserts by (enterprise, team): a reinstall replaces the tokens and clears `revoked_at`."""
    row = {**values, "revoked_at": None}
    statement = insert_for(session, SlackInstallation).values(**row)
    changed = {k: v for k, v in row.items() if k not in ("enterprise_id", "team_id")}
    await session.exec(
        statement.on_conflict_do_update(index_elements=["enterprise_id", "team_id"], set_=changed)
    )


async def find(session: AsyncSession, enterprise_id: str, team_id: str) -> SlackInstallation | None:
    statement = select(SlackInstallation).where(
        SlackInstallation.enterprise_id == enterprise_id, SlackInstallation.team_id == team_id
    )
    return (await session.exec(statement)).first()


async def replace_tokens(
    session: AsyncSession,
    installation_id: int,
    token: str,
    refresh_token: str | None,
    expires_at: int | None,
) -> None:
    """After a token rotation: the new (sealed) token, refresh token and expiry."""
    await session.exec(
        update(SlackInstallation)
        .where(col(SlackInstallation.id) == installation_id)
        .values(
            bot_token_sealed=token,
            bot_refresh_token_sealed=refresh_token,
            bot_token_expires_at=expires_at,
        )
    )


async def revoke(session: AsyncSession, enterprise_id: str, team_id: str, now: datetime) -> bool:
    """Marks the installation gone (kept until purged); False when none was active."""
    result = await session.exec(
        update(SlackInstallation)
        .where(
            col(SlackInstallation.enterprise_id) == enterprise_id,
            col(SlackInstallation.team_id) == team_id,
            col(SlackInstallation.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    return bool(result.rowcount)


async def remember_org_team(session: AsyncSession, team_id: str, enterprise_id: str) -> None:
    statement = insert_for(session, SlackOrgTeam).values(
        team_id=team_id, enterprise_id=enterprise_id
    )
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["team_id"], set_={"enterprise_id": enterprise_id}
        )
    )


async def enterprise_of(session: AsyncSession, team_id: str) -> str | None:
    row = await session.get(SlackOrgTeam, team_id)
    return row.enterprise_id if row is not None else None


async def revoked_before(session: AsyncSession, before: datetime) -> list[SlackInstallation]:
    statement = select(SlackInstallation).where(col(SlackInstallation.revoked_at) <= before)
    return list((await session.exec(statement)).all())


async def workspaces_of(session: AsyncSession, installation: SlackInstallation) -> list[str]:
    """The workspace ids whose data belongs to this installation."""
    if installation.team_id:
        return [installation.team_id]
    statement = select(SlackOrgTeam.team_id).where(
        SlackOrgTeam.enterprise_id == installation.enterprise_id
    )
    return list((await session.exec(statement)).all())


async def forget(session: AsyncSession, installation: SlackInstallation) -> None:
    """Deletes a revoked installation (and, for an org, its remembered workspaces)."""
    await session.exec(
        delete(SlackInstallation).where(
            col(SlackInstallation.id) == installation.id,
            col(SlackInstallation.revoked_at).is_not(None),
        )
    )
    if not installation.team_id:
        await session.exec(
            delete(SlackOrgTeam).where(
                col(SlackOrgTeam.enterprise_id) == installation.enterprise_id
            )
        )


async def issue_state(session: AsyncSession, state: str, expires_at: datetime) -> None:
    session.add(SlackOAuthState(state=state, expires_at=expires_at))


async def consume_state(session: AsyncSession, state: str, now: datetime) -> bool:
    """True once for a state issued here and not expired; expired states are dropped too."""
    await session.exec(delete(SlackOAuthState).where(col(SlackOAuthState.expires_at) <= now))
    result = await session.exec(delete(SlackOAuthState).where(col(SlackOAuthState.state) == state))
    return bool(result.rowcount)
