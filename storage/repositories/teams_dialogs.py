"""Forms waiting in Teams dialogs: stored when offered, read on each page, dropped when done."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.teams_dialogs import TeamsDialog

KEPT_FOR = timedelta(days=7)  # an offered form can be opened for a week, then it is gone


async def keep(
    session: AsyncSession, token: str, workspace_id: str, user_id: str, form: str, now: datetime
) -> None:
    """Stores a newly offered form, and forgets forms nobody opened within `KEPT_FOR`."""
    await session.exec(delete(TeamsDialog).where(col(TeamsDialog.created_at) < now - KEPT_FOR))
    session.add(
        TeamsDialog(
            token=token, workspace_id=workspace_id, user_id=user_id, form=form, created_at=now
        )
    )


async def find(session: AsyncSession, token: str, now: datetime) -> TeamsDialog | None:
    found = (await session.exec(select(TeamsDialog).where(TeamsDialog.token == token))).first()
    if found is None or found.created_at < now - KEPT_FOR:
        return None
    return found


async def progress(session: AsyncSession, token: str, values: str, page: int) -> None:
    found = (await session.exec(select(TeamsDialog).where(TeamsDialog.token == token))).first()
    if found is not None:
        found.values = values
        found.page = page
        session.add(found)


async def take(session: AsyncSession, token: str) -> bool:
    """Removes the form as it is submitted; False when it was already taken, so the same
    submission delivered twice is handled once."""
    result = await session.exec(delete(TeamsDialog).where(col(TeamsDialog.token) == token))
    return bool(result.rowcount)


async def put_back(session: AsyncSession, dialog: TeamsDialog, values: str, page: int) -> None:
    """A taken form whose submission was refused: kept again with what was typed."""
    session.add(
        TeamsDialog(
            token=dialog.token,
            workspace_id=dialog.workspace_id,
            user_id=dialog.user_id,
            form=dialog.form,
            values=values,
            page=page,
            created_at=dialog.created_at,
        )
    )
