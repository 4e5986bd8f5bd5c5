"""Decision records: written when a vote on a RACI decision closes, settled once."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.decisions import PENDING, DecisionRecord


@dataclass(frozen=True)
class RoleResult:
    """How one role's voters voted: how many of them, and the item(s) they put first."""

    role: str
    voters: int
    top: str


@dataclass(frozen=True)
class CitedInsight:
    """A public insight linked to the vote's items, as the record cites it."""

    insight_id: int
    title: str
    confidence: str


@dataclass(frozen=True)
class Unheard:
    """A Consulted role holder who did not vote, by the name the record keeps."""

    role: str
    name: str


@dataclass(frozen=True)
class RecordDetails:
    """What a record keeps beside the vote's result, its JSON columns decoded
    (`details_of`, the one place they are read; `add` and `set_details` write them)."""

    by_role: tuple[RoleResult, ...] = ()
    insights: tuple[CitedInsight, ...] = ()
    unheard: tuple[Unheard, ...] = ()
    accountable_ids: tuple[str, ...] = ()


def details_of(record: DecisionRecord) -> RecordDetails:
    by_role: list[list[Any]] = json.loads(record.by_role)
    insights: list[list[Any]] = json.loads(record.insights)
    unheard: list[list[str]] = json.loads(record.unheard)
    accountable: list[str] = json.loads(record.accountable_ids)
    return RecordDetails(
        tuple(RoleResult(role, voters, top) for role, voters, top in by_role),
        tuple(CitedInsight(iid, title, confidence) for iid, title, confidence in insights),
        tuple(Unheard(role, name) for role, name in unheard),
        tuple(accountable),
    )


def set_details(record: DecisionRecord, details: RecordDetails) -> None:
    """Writes `details` into the record's JSON columns (in the format they have always had)."""
    record.by_role = json.dumps([[r.role, r.voters, r.top] for r in details.by_role])
    record.insights = json.dumps([[i.insight_id, i.title, i.confidence] for i in details.insights])
    record.unheard = json.dumps([[u.role, u.name] for u in details.unheard])
    record.accountable_ids = json.dumps(list(details.accountable_ids))


def lists_unheard(name: str) -> ColumnElement[bool]:
    """Records that list `name` among the Consulted who did not vote (a prefilter)."""
    return col(DecisionRecord.unheard).contains(json.dumps(name))


def asked_to_settle(user_id: str) -> ColumnElement[bool]:
    """Records that asked `user_id` to settle them (a prefilter)."""
    return col(DecisionRecord.accountable_ids).contains(json.dumps(user_id))


async def add(
    session: AsyncSession, record: DecisionRecord, details: RecordDetails
) -> DecisionRecord:
    """Stores a new record with its details."""
    set_details(record, details)
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
