"""Decision records: written when a vote on a RACI decision closes, settled once."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.decisions import PENDING, DecisionRecord


async def add(session: AsyncSession, record: DecisionRecord) -> DecisionRecord:
    session.add(record)
    await session.flush()
    return record


async def get(session: AsyncSession, workspace_id: str, record_id: int) -> DecisionRecord | None:
    statement = select(DecisionRecord).where(
        DecisionRecord.workspace_id == workspace_id, DecisionRecord.id == record_id
    )
    return (await session.exec(statement)).first()


async def settle(
    session: AsyncSession,
    record_id: int,
    *,
    status: str,
    decided: str,
    reason: str,
    by: str,
    by_name: str,
    now: datetime,
) -> bool:
    """Moves a pending record to `status`; False when someone settled it first (a second
    press of the button, another replica), so what follows a decision happens once."""
    statement = (
        update(DecisionRecord)
        .where(col(DecisionRecord.id) == record_id, col(DecisionRecord.status) == PENDING)
        .values(
            status=status,
            decided=decided[:500],
            reason=reason[:1000],
            decided_by=by,
            decided_by_name=by_name[:200],
            decided_at=now,
        )
    )
    result = await session.exec(statement)
    return bool(result.rowcount)


async def of_team(
    session: AsyncSession, team_id: int, decision_key: str | None = None, limit: int = 20
) -> list[DecisionRecord]:
    """The team's records, newest first; only one decision's when `decision_key` is given."""
    statement = select(DecisionRecord).where(DecisionRecord.team_id == team_id)
    if decision_key is not None:
        statement = statement.where(DecisionRecord.decision_key == decision_key)
    statement = statement.order_by(
        col(DecisionRecord.created_at).desc(), col(DecisionRecord.id).desc()
    )
    return list((await session.exec(statement.limit(limit))).all())


async def settled_between(
    session: AsyncSession, team_id: int, since: datetime, until: datetime
) -> list[DecisionRecord]:
    """Records ratified, overridden or reopened in [since, until), oldest first."""
    statement = (
        select(DecisionRecord)
        .where(
            DecisionRecord.team_id == team_id,
            col(DecisionRecord.decided_at) >= since,
            col(DecisionRecord.decided_at) < until,
        )
        .order_by(col(DecisionRecord.decided_at), col(DecisionRecord.id))
    )
    return list((await session.exec(statement)).all())


async def pending(session: AsyncSession, team_id: int) -> list[DecisionRecord]:
    """Records still waiting for their Accountable person, oldest first."""
    statement = (
        select(DecisionRecord)
        .where(DecisionRecord.team_id == team_id, DecisionRecord.status == PENDING)
        .order_by(col(DecisionRecord.created_at), col(DecisionRecord.id))
    )
    return list((await session.exec(statement)).all())


async def settlers(
    session: AsyncSession, team_id: int, decision_key: str, since: datetime
) -> Counter[str]:
    """user id -> how many of the decision's records they settled since `since`."""
    statement = select(DecisionRecord.decided_by).where(
        DecisionRecord.team_id == team_id,
        DecisionRecord.decision_key == decision_key,
        col(DecisionRecord.decided_at) >= since,
        col(DecisionRecord.decided_by).is_not(None),
    )
    return Counter(str(user) for user in (await session.exec(statement)).all())


async def for_poll(session: AsyncSession, poll_id: int) -> list[DecisionRecord]:
    statement = (
        select(DecisionRecord)
        .where(DecisionRecord.poll_id == poll_id)
        .order_by(col(DecisionRecord.id))
    )
    return list((await session.exec(statement)).all())
