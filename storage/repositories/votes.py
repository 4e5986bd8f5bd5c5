"""Polls, ballots and voted-flags. Casting is an upsert, so concurrent voters never collide."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.votes import Ballot, Poll, PollVoter, RetiredPollId, VoteSeries
from storage.upsert import insert_for


def items_of(row: Poll | VoteSeries) -> tuple[str, ...]:
    """A vote's (or series') item labels, in the order given (voters' additions last)."""
    items: list[str] = json.loads(row.items)
    return tuple(items)


def voters_of(row: Poll | VoteSeries) -> tuple[str, ...]:
    """The people a vote is open to; empty: everyone in its channel."""
    voters: list[str] = json.loads(row.allowed_voters) if row.allowed_voters else []
    return tuple(voters)


def items_column(items: Sequence[str]) -> str:
    return json.dumps(list(items))


def voters_column(voters: Sequence[str]) -> str:
    return json.dumps(list(voters)) if voters else ""


async def create(session: AsyncSession, poll: Poll) -> Poll:
    """Stores a new poll under a number no poll has had (PostgreSQL sequences never reuse;
    SQLite would reuse a deleted newest id, so there the number is chosen past the retired)."""
    assert session.bind is not None
    if session.bind.dialect.name == "sqlite" and poll.id is None:
        newest = (await session.exec(select(func.max(Poll.id)))).one() or 0
        retired = (await session.exec(select(func.max(RetiredPollId.id)))).one() or 0
        poll.id = max(newest, retired) + 1
    session.add(poll)
    await session.flush()
    return poll


async def get(
    session: AsyncSession, workspace_id: str, poll_id: int, *, for_vote: bool = False
) -> Poll | None:
    """The poll; `for_vote` share-locks it (PostgreSQL) so closing waits for ballots in flight."""
    statement = select(Poll).where(Poll.workspace_id == workspace_id, Poll.id == poll_id)
    if for_vote:
        statement = statement.with_for_update(read=True)
    return (await session.exec(statement)).first()


async def in_channel(
    session: AsyncSession, workspace_id: str, channel_id: str, limit: int = 20
) -> list[Poll]:
    """The channel's polls, newest first."""
    statement = (
        select(Poll)
        .where(Poll.workspace_id == workspace_id, Poll.channel_id == channel_id)
        .order_by(col(Poll.created_at).desc(), col(Poll.id).desc())
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def set_message(session: AsyncSession, poll_id: int, message_id: str) -> None:
    await session.exec(update(Poll).where(col(Poll.id) == poll_id).values(message_id=message_id))


Choice = list[Any]
"""A ballot's choice as cast; its shape depends on the vote's method (indexes, dots, ranks)."""


@dataclass(frozen=True)
class NewBallot:
    """One person's ballot, ready to store: `owner_key` keys it, `user_id` flags who voted,
    `roles` the role names an anonymous ballot carries (none on other votes)."""

    user_id: str
    owner_key: str
    voter_id: str | None
    roles: tuple[str, ...]
    choice: Choice


@dataclass(frozen=True)
class StoredBallot:
    """A ballot as stored, its JSON columns decoded (`ballot_value`, the one place)."""

    id: str
    owner_key: str
    voter_id: str | None
    roles: tuple[str, ...]
    choice: Choice


def ballot_value(row: Ballot) -> StoredBallot:
    roles: list[str] = json.loads(row.roles) if row.roles else []
    return StoredBallot(row.id, row.owner_key, row.voter_id, tuple(roles), json.loads(row.choice))


async def cast(
    session: AsyncSession,
    poll: Poll,
    *,
    user_id: str,
    owner_key: str,
    voter_id: str | None,
    roles: tuple[str, ...],
    choice: Choice,
) -> bool:
    """Stores or replaces this owner's ballot and flags the person; True for a first ballot."""
    ballot = NewBallot(user_id, owner_key, voter_id, roles, choice)
    return user_id in await cast_all(session, poll, [ballot])


async def cast_all(session: AsyncSession, poll: Poll, ballots: Sequence[NewBallot]) -> set[str]:
    """Stores or replaces each owner's ballot (an owner's last one wins) and flags each person,
    in two statements however many there are; returns who voted in this poll for the first
    time. Upserts, so a concurrent writer of the same ballot or flag never collides."""
    assert poll.id is not None
    if not ballots:
        return set()
    latest = {b.owner_key: b for b in ballots}  # one row per key: an upsert may not hit one twice
    rows = [
        {
            "id": secrets.token_hex(16),
            "poll_id": poll.id,
            "owner_key": b.owner_key,
            "voter_id": b.voter_id,
            "roles": json.dumps(list(b.roles)) if poll.anonymous else "",
            "choice": json.dumps(b.choice),
        }
        for b in latest.values()
    ]
    upsert = insert_for(session, Ballot).values(rows)
    await session.exec(
        upsert.on_conflict_do_update(
            index_elements=["poll_id", "owner_key"],
            set_={"choice": upsert.excluded.choice, "roles": upsert.excluded.roles},
        )
    )
    people = dict.fromkeys(b.user_id for b in ballots)
    flags = insert_for(session, PollVoter).values(
        [{"poll_id": poll.id, "user_id": u, "workspace_id": poll.workspace_id} for u in people]
    )
    first = await session.exec(
        flags.on_conflict_do_nothing(index_elements=["poll_id", "user_id"]).returning(
            col(PollVoter.user_id)
        )
    )
    return set(first.scalars().all())


async def ballot_of(session: AsyncSession, poll_id: int, owner_key: str) -> StoredBallot | None:
    statement = select(Ballot).where(Ballot.poll_id == poll_id, Ballot.owner_key == owner_key)
    row = (await session.exec(statement)).first()
    return ballot_value(row) if row else None


async def ballots(session: AsyncSession, poll_id: int) -> list[StoredBallot]:
    """Every ballot, in random-id order (which says nothing about who voted when)."""
    statement = select(Ballot).where(Ballot.poll_id == poll_id).order_by(col(Ballot.id))
    return [ballot_value(row) for row in (await session.exec(statement)).all()]


async def has_voted(session: AsyncSession, poll_id: int, user_id: str) -> bool:
    statement = select(PollVoter).where(PollVoter.poll_id == poll_id, PollVoter.user_id == user_id)
    return (await session.exec(statement)).first() is not None


async def turnout(session: AsyncSession, poll_id: int) -> int:
    statement = select(func.count()).select_from(PollVoter).where(PollVoter.poll_id == poll_id)
    return int((await session.exec(statement)).one())


async def close(session: AsyncSession, poll_id: int, now: datetime) -> bool:
    """Closes an open poll and forgets its ballot salt; False when it was already closed."""
    statement = (
        update(Poll)
        .where(col(Poll.id) == poll_id, col(Poll.closed_at).is_(None))
        .values(closed_at=now, ballot_salt="")
    )
    result = await session.exec(statement)
    return bool(result.rowcount)


async def remove(session: AsyncSession, poll_id: int) -> None:
    await session.exec(delete(Ballot).where(col(Ballot.poll_id) == poll_id))
    await session.exec(delete(PollVoter).where(col(PollVoter.poll_id) == poll_id))
    await session.exec(delete(Poll).where(col(Poll.id) == poll_id))
    session.add(RetiredPollId(id=poll_id))
    await session.flush()


async def due(session: AsyncSession, now: datetime, limit: int = 100) -> list[Poll]:
    """Open polls whose deadline has passed, oldest deadline first."""
    statement = (
        select(Poll)
        .where(col(Poll.closed_at).is_(None), col(Poll.deadline).is_not(None))
        .where(col(Poll.deadline) <= now)
        .order_by(col(Poll.deadline), col(Poll.id))
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def open_not_voted(
    session: AsyncSession, workspace_id: str, platform: str, user_id: str, limit: int = 20
) -> list[Poll]:
    """Open polls of the workspace this person has not voted in yet, newest first (a person's
    home page; whether they may see each one is the caller's question)."""
    voted = select(PollVoter.poll_id).where(PollVoter.user_id == user_id)
    statement = (
        select(Poll)
        .where(Poll.workspace_id == workspace_id, Poll.platform == platform)
        .where(col(Poll.closed_at).is_(None), col(Poll.id).not_in(voted))
        .order_by(col(Poll.created_at).desc())
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def close_by(session: AsyncSession, poll_id: int, user_id: str) -> None:
    """Remembers who closed a poll by hand (RACI drift: who closes votes on a decision)."""
    await session.exec(update(Poll).where(col(Poll.id) == poll_id).values(closed_by=user_id))


async def reopen(session: AsyncSession, poll_id: int, deadline: datetime | None, salt: str) -> bool:
    """Opens a closed poll again; an anonymous one gets a fresh salt. False if it was open."""
    statement = (
        update(Poll)
        .where(col(Poll.id) == poll_id, col(Poll.closed_at).is_not(None))
        .values(closed_at=None, closed_by=None, deadline=deadline, ballot_salt=salt)
    )
    return bool((await session.exec(statement)).rowcount)


async def of_team(
    session: AsyncSession, team_id: int, since: datetime, decision_key: str | None = None
) -> list[Poll]:
    """The team's polls created since `since` (those informing one decision, when given)."""
    statement = select(Poll).where(Poll.team_id == team_id, col(Poll.created_at) >= since)
    if decision_key is not None:
        statement = statement.where(Poll.decision_key == decision_key)
    return list((await session.exec(statement.order_by(col(Poll.id)))).all())


# Recurring votes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A recurring vote as stored (`series_value`, the one place its JSON columns are read):
    what every round copies, when rounds open, and where their items come from."""

    id: int
    workspace_id: str
    team_id: int
    platform: str
    channel_id: str
    thread_id: str | None
    creator_id: str
    question: str
    method: str
    items: tuple[str, ...]
    source: str
    anonymous: bool
    hide_results: bool
    allowed_voters: tuple[str, ...]
    max_choices: int
    dots: int
    allow_additions: bool
    decision_key: str
    decision_name: str
    cadence: str
    open_seconds: int | None
    timezone: str
    starts_at: datetime
    stopped_at: datetime | None


def series_value(row: VoteSeries) -> Series:
    assert row.id is not None
    return Series(
        id=row.id,
        workspace_id=row.workspace_id,
        team_id=row.team_id,
        platform=row.platform,
        channel_id=row.channel_id,
        thread_id=row.thread_id,
        creator_id=row.creator_id,
        question=row.question,
        method=row.method,
        items=items_of(row),
        source=row.source,
        anonymous=row.anonymous,
        hide_results=row.hide_results,
        allowed_voters=voters_of(row),
        max_choices=row.max_choices,
        dots=row.dots,
        allow_additions=row.allow_additions,
        decision_key=row.decision_key,
        decision_name=row.decision_name,
        cadence=row.cadence,
        open_seconds=row.open_seconds,
        timezone=row.timezone,
        starts_at=row.starts_at,
        stopped_at=row.stopped_at,
    )


async def add_series(session: AsyncSession, series: VoteSeries) -> int:
    """Stores a new series; its id."""
    session.add(series)
    await session.flush()
    assert series.id is not None
    return series.id


async def series_by_id(session: AsyncSession, series_id: int) -> Series | None:
    row = (await session.exec(select(VoteSeries).where(VoteSeries.id == series_id))).first()
    return series_value(row) if row else None


async def running_series(session: AsyncSession) -> list[Series]:
    statement = select(VoteSeries).where(col(VoteSeries.stopped_at).is_(None))
    rows = (await session.exec(statement.order_by(col(VoteSeries.id)))).all()
    return [series_value(row) for row in rows]


async def stop_series(session: AsyncSession, series_id: int, now: datetime) -> bool:
    statement = (
        update(VoteSeries)
        .where(col(VoteSeries.id) == series_id, col(VoteSeries.stopped_at).is_(None))
        .values(stopped_at=now)
    )
    return bool((await session.exec(statement)).rowcount)


async def round_of(session: AsyncSession, series_id: int, number: int) -> Poll | None:
    statement = select(Poll).where(Poll.series_id == series_id, Poll.round == number)
    return (await session.exec(statement)).first()


async def voter_ids(session: AsyncSession, poll_id: int) -> set[str]:
    """Who voted (never what): to name the Consulted people a decision did not hear."""
    statement = select(PollVoter.user_id).where(PollVoter.poll_id == poll_id)
    return set((await session.exec(statement)).all())
