"""Votes a person created or cast with their name on; anonymous ballots hold no one."""

from __future__ import annotations

import json

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.votes import Ballot, Poll, PollVoter
from storage.repositories.personal import former_id
from storage.repositories.votes import StoredBallot, ballot_value, voters_column, voters_of


async def named_ballots(
    session: AsyncSession, workspace_id: str, user_id: str
) -> list[tuple[Poll, StoredBallot]]:
    """Ballots that carry the person's id: never those of anonymous votes."""
    statement = (
        select(Poll, Ballot)
        .join(Ballot, col(Ballot.poll_id) == col(Poll.id))
        .where(Poll.workspace_id == workspace_id, Ballot.voter_id == user_id)
        .order_by(col(Poll.id))
    )
    return [(poll, ballot_value(ballot)) for poll, ballot in (await session.exec(statement)).all()]


async def created(session: AsyncSession, workspace_id: str, user_id: str) -> list[Poll]:
    statement = (
        select(Poll)
        .where(Poll.workspace_id == workspace_id, Poll.creator_id == user_id)
        .order_by(col(Poll.id))
    )
    return list((await session.exec(statement)).all())


async def erase(session: AsyncSession, workspace_id: str, user_id: str) -> int:
    """Ballots and voted-flags stay (tallies and turnout do not change) under a stand-in id
    per vote; the person's id leaves ballots, flags, voter lists and created votes."""
    polls = select(Poll.id).where(Poll.workspace_id == workspace_id)
    changed = 0
    flags = await session.exec(
        select(PollVoter).where(
            PollVoter.workspace_id == workspace_id, PollVoter.user_id == user_id
        )
    )
    for flag in flags.all():
        stand_in = former_id()
        await session.exec(
            update(PollVoter)
            .where(col(PollVoter.poll_id) == flag.poll_id, col(PollVoter.user_id) == user_id)
            .values(user_id=stand_in)
        )
        result = await session.exec(
            update(Ballot)
            .where(
                col(Ballot.poll_id) == flag.poll_id,
                col(Ballot.owner_key) == f"u:{user_id}",
            )
            .values(owner_key=f"u:{stand_in}", voter_id=None)
        )
        changed += 1 + int(result.rowcount)
    result = await session.exec(
        update(Poll)
        .where(col(Poll.workspace_id) == workspace_id, col(Poll.creator_id) == user_id)
        .values(creator_id="")
    )
    changed += int(result.rowcount)
    listed = await session.exec(
        select(Poll).where(
            col(Poll.id).in_(polls), col(Poll.allowed_voters).contains(json.dumps(user_id))
        )
    )
    for poll in listed.all():
        voters = [v for v in voters_of(poll) if v != user_id]
        # An empty list means "the whole channel": a stand-in keeps the vote closed to others.
        poll.allowed_voters = voters_column(voters or [former_id()])
        session.add(poll)
        changed += 1
    return changed
