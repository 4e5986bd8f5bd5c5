"""Who decided what: decision records, blocker escalations, votes closed by hand and
recurring votes set up. Read out per person, unnamed on erasure and by retention.

Unnaming keeps what counts (what was decided, states, timings for medians) and drops who:
ids go, names become `former` (or "someone" by retention), and a person's own words (an
override's reason, the blocker text copied from a stand-up answer) are cleared.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.decisions import PENDING, DecisionRecord
from storage.models.escalations import BlockerEscalation
from storage.models.roles import RoleAssignment
from storage.models.votes import Poll, VoteSeries
from storage.repositories.decisions import (
    Unheard,
    asked_to_settle,
    details_of,
    lists_unheard,
    set_details,
)
from storage.repositories.personal import former_id

AGED_OUT = "someone"


def _naming(record: DecisionRecord, user_id: str, names: Collection[str]) -> list[str]:
    """The roles under which the record lists the person as Consulted who did not vote."""
    return [u.role for u in details_of(record).unheard if u.name in names]


async def spellings(
    session: AsyncSession, workspace_id: str, user_id: str, names: Collection[str]
) -> set[str]:
    """How records may spell the person: their id, the given names and their names as their
    roles hold them (records copy the role holder's name)."""
    as_assigned = await session.exec(
        select(RoleAssignment.display_name).where(
            RoleAssignment.workspace_id == workspace_id, RoleAssignment.user_id == user_id
        )
    )
    return {name for name in (user_id, *names, *as_assigned.all()) if name.strip()}


async def records_of(
    session: AsyncSession, workspace_id: str, user_id: str, names: Collection[str]
) -> list[tuple[DecisionRecord, bool, bool, list[str]]]:
    """(record, settled by them, asked to settle, roles they are named under as unheard);
    `names` are the person's spellings (see `spellings`)."""
    mentioned = [lists_unheard(n) for n in names]
    statement = (
        select(DecisionRecord)
        .where(DecisionRecord.workspace_id == workspace_id)
        .where(
            or_(
                col(DecisionRecord.decided_by) == user_id,
                asked_to_settle(user_id),
                *mentioned,
            )
        )
        .order_by(col(DecisionRecord.id))
    )
    found = []
    for record in (await session.exec(statement)).all():
        asked = user_id in details_of(record).accountable_ids
        settled = record.decided_by == user_id
        unheard = _naming(record, user_id, names)
        if settled or asked or unheard:
            found.append((record, settled, asked, unheard))
    return found


async def escalations_of(
    session: AsyncSession, workspace_id: str, user_id: str
) -> list[BlockerEscalation]:
    """Escalations of their blockers, sent to them, or answered or resolved by them."""
    statement = (
        select(BlockerEscalation)
        .where(BlockerEscalation.workspace_id == workspace_id)
        .where(
            or_(
                col(BlockerEscalation.user_id) == user_id,
                col(BlockerEscalation.owner_ids).contains(user_id),
                col(BlockerEscalation.answered_by) == user_id,
                col(BlockerEscalation.resolved_by) == user_id,
            )
        )
        .order_by(col(BlockerEscalation.id))
    )
    rows = (await session.exec(statement)).all()
    return [
        r
        for r in rows
        if user_id in (r.user_id, r.answered_by, r.resolved_by) or user_id in r.owners
    ]


async def votes_closed(session: AsyncSession, workspace_id: str, user_id: str) -> list[Poll]:
    statement = (
        select(Poll)
        .where(Poll.workspace_id == workspace_id, Poll.closed_by == user_id)
        .order_by(col(Poll.id))
    )
    return list((await session.exec(statement)).all())


async def series_created(
    session: AsyncSession, workspace_id: str, user_id: str
) -> list[VoteSeries]:
    statement = (
        select(VoteSeries)
        .where(VoteSeries.workspace_id == workspace_id, VoteSeries.creator_id == user_id)
        .order_by(col(VoteSeries.id))
    )
    return list((await session.exec(statement)).all())


def _unname_record(
    record: DecisionRecord, user_id: str | None, names: Collection[str], stand_in: str
) -> None:
    """Drops `user_id` (everyone, when None) from a record; keeps what was decided."""
    if user_id is None or record.decided_by == user_id:
        record.decided_by, record.decided_by_name, record.reason = None, stand_in, ""
    details = details_of(record)
    unnamed = replace(
        details,
        accountable_ids=tuple(
            a for a in details.accountable_ids if user_id is not None and a != user_id
        ),
        unheard=tuple(
            Unheard(u.role, stand_in)
            if user_id is None or u.name == user_id or u.name in names
            else u
            for u in details.unheard
        ),
    )
    set_details(record, unnamed)


def _unname_escalation(row: BlockerEscalation, user_id: str | None) -> None:
    if user_id is None or row.user_id == user_id:
        row.user_id, row.blocker = former_id(), ""
    row.owner_ids = "\n".join(o for o in row.owners if user_id is not None and o != user_id)
    if user_id is None or row.answered_by == user_id:
        row.answered_by = ""
    if user_id is None or row.resolved_by == user_id:
        row.resolved_by = ""


async def erase(
    session: AsyncSession, workspace_id: str, user_id: str, names: Collection[str], former: str
) -> int:
    """Records and escalations stay, unnamed; votes they closed or set up lose their id.
    Run before the roles feature's erasure, which drops the role spellings of their name."""
    changed = 0
    names = await spellings(session, workspace_id, user_id, names)
    for record, *_ in await records_of(session, workspace_id, user_id, names):
        _unname_record(record, user_id, names, former)
        session.add(record)
        changed += 1
    for row in await escalations_of(session, workspace_id, user_id):
        _unname_escalation(row, user_id)
        session.add(row)
        changed += 1
    for statement in (
        update(Poll)
        .where(col(Poll.workspace_id) == workspace_id, col(Poll.closed_by) == user_id)
        .values(closed_by=""),
        update(VoteSeries)
        .where(col(VoteSeries.workspace_id) == workspace_id, col(VoteSeries.creator_id) == user_id)
        .values(creator_id=""),
    ):
        changed += int((await session.exec(statement)).rowcount)
    await session.flush()
    return changed


async def unname_before(session: AsyncSession, cutoff: datetime) -> int:
    """Retention, in every workspace: records settled and escalations resolved before
    `cutoff` keep their outcome and timings but no longer say who, or in whose words."""
    changed = 0
    records = await session.exec(
        select(DecisionRecord).where(
            col(DecisionRecord.status) != PENDING,
            col(DecisionRecord.decided_at) < cutoff,
            col(DecisionRecord.decided_by_name) != AGED_OUT,
        )
    )
    for record in records.all():
        _unname_record(record, None, (), AGED_OUT)
        session.add(record)
        changed += 1
    escalations = await session.exec(
        select(BlockerEscalation).where(
            col(BlockerEscalation.resolved_at) < cutoff,
            or_(
                col(BlockerEscalation.blocker) != "",
                col(BlockerEscalation.owner_ids) != "",
                col(BlockerEscalation.answered_by) != "",
                col(BlockerEscalation.resolved_by) != "",
            ),
        )
    )
    for row in escalations.all():
        _unname_escalation(row, None)
        session.add(row)
        changed += 1
    await session.flush()
    return changed
