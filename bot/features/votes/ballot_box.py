"""Ballots cast at the same moment for one vote are stored together (group commit).

When 400 people submit the ballot form at once, each ballot used to be its own transaction:
begin, read the vote, write the ballot, write the voted-flag, commit. Here the first ballot
starts a write; every ballot for the same vote arriving while that write waits for the database
(SQLite's writer turn, or a pooled PostgreSQL connection) joins it. Once the vote has been
read, the batch is closed, each ballot is checked on its own (one refused ballot refuses only
its voter), and the rest are stored in two statements, then committed once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Context
from bot.errors import UserError
from bot.events import Actor
from bot.features.votes.tally import Payload
from storage.models.votes import Poll
from storage.repositories import votes

MAX_BATCH = 100  # ballots in one write: 600 bound values, within SQLite's oldest limit of 999

Prepare = Callable[[AsyncSession, Context, Poll, Actor, Payload], Awaitable[votes.NewBallot]]
"""Checks one voter's ballot against the (share-locked) vote and makes its stored form; raises
`UserError` to refuse that ballot alone."""


@dataclass
class _Ballot:
    actor: Actor
    payload: Payload
    stored: asyncio.Future[tuple[Poll, bool]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class BallotBox:
    def __init__(self, prepare: Prepare) -> None:
        self._prepare = prepare
        self._gathering: dict[tuple[int, str, int], list[_Ballot]] = {}
        self._writes: set[asyncio.Task[None]] = set()

    async def cast(
        self, ctx: Context, actor: Actor, poll_id: int, payload: Payload
    ) -> tuple[Poll, bool]:
        """Stores the ballot with any cast meanwhile; the vote and True for a first ballot."""
        key = (id(ctx), actor.workspace_id, poll_id)
        ballot = _Ballot(actor, payload)
        batch = self._gathering.get(key)
        if batch is not None and len(batch) < MAX_BATCH:
            batch.append(ballot)
        else:
            batch = self._gathering[key] = [ballot]
            # Its own task: a caller that gives up waiting never abandons the others' ballots.
            write = asyncio.ensure_future(self._write(ctx, key, batch))
            self._writes.add(write)
            write.add_done_callback(self._writes.discard)
        return await asyncio.shield(ballot.stored)

    async def _write(self, ctx: Context, key: tuple[int, str, int], batch: list[_Ballot]) -> None:
        _, workspace_id, poll_id = key
        try:
            async with ctx.db.transaction() as session:
                poll = await votes.get(session, workspace_id, poll_id, for_vote=True)
                if self._gathering.get(key) is batch:
                    del self._gathering[key]  # closed: later ballots start the next batch
                if poll is None:
                    raise UserError(f"Vote {poll_id} no longer exists.")
                accepted: list[tuple[_Ballot, votes.NewBallot]] = []
                for ballot in batch:
                    try:
                        prepared = await self._prepare(
                            session, ctx, poll, ballot.actor, ballot.payload
                        )
                    except UserError as refusal:
                        ballot.stored.set_exception(refusal)
                    else:
                        accepted.append((ballot, prepared))
                first_time = await votes.cast_all(session, poll, [p for _, p in accepted])
        except BaseException as error:
            if self._gathering.get(key) is batch:
                del self._gathering[key]
            for ballot in batch:
                if ballot.stored.done():
                    continue
                if isinstance(error, Exception):
                    ballot.stored.set_exception(error)
                else:
                    ballot.stored.cancel()
            if not isinstance(error, Exception):
                raise
            return
        for ballot, prepared in accepted:
            first = prepared.user_id in first_time
            first_time.discard(prepared.user_id)  # a second ballot of theirs in this batch
            ballot.stored.set_result((poll, first))
