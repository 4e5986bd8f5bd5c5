"""Votes storage on SQLite and PostgreSQL: upserted ballots, closing once, 200 voters at once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from adapters.local.render import render
from bot.app import AlignBot
from bot.context import Context
from bot.events import Action
from bot.features.votes import polls
from bot.features.votes.forms import Draft
from bot.features.votes.tally import Method
from bot.ports import MessengerHub
from bot.replies import Reply
from bot.settings import Settings
from storage.db import Database
from storage.repositories import votes
from tests.conftest import channel, person
from tests.support.recording import FakeClock, RecordingMessenger

VOTERS = 200


def _bot(database: Database, clock: FakeClock, messenger: RecordingMessenger) -> AlignBot:
    hub = MessengerHub()
    hub.connect("local", messenger)
    settings = Settings(_env_file=None, ALIGNBOT_ADMINS="")
    return AlignBot(Context(db=database, messenger=hub, clock=clock, settings=settings))


def _draft(method: Method = Method.SINGLE, *, anonymous: bool = False) -> Draft:
    return Draft(
        question="Which epic next?",
        items=("Search", "Onboarding", "Billing"),
        method=method,
        deadline=None,
        anonymous=anonymous,
        hide_results=False,
        voters=(),
        max_choices=1,
        dots=0,
        timezone="UTC",
    )


async def test_200_voters_at_once_lose_no_ballot(database: Database) -> None:
    """Anonymous, the stricter path: the same upsert, plus keyed owners and role capture.

    Open votes differ only in the owner key (the user id), and are covered in the flow tests.
    """
    clock, messenger = FakeClock(), RecordingMessenger()
    bot = _bot(database, clock, messenger)
    poll = await polls.open_poll(bot.ctx, person(), channel(), _draft(anonymous=True))
    voters = [person(f"V{i:03}", f"Voter {i}") for i in range(VOTERS)]

    async def vote(index: int, choice: int) -> object:
        action = Action("vote.pick", f"{poll.id}:{choice}", voters[index], channel())
        return await bot.handle(action)

    first = await asyncio.gather(*(vote(i, i % 3) for i in range(VOTERS)))
    assert all(isinstance(r, Reply) and "is in" in render(r) for r in first), first[:3]
    # Every fifth voter changes their mind, all of them at the same moment.
    changed = await asyncio.gather(*(vote(i, 2) for i in range(0, VOTERS, 5)))
    assert all(isinstance(r, Reply) and "was updated" in render(r) for r in changed)

    async with database.transaction() as session:
        stored = await votes.ballots(session, poll.id or 0)
        assert await votes.turnout(session, poll.id or 0) == VOTERS
    assert len(stored) == VOTERS
    assert all(b.voter_id is None for b in stored)
    async with database.transaction() as session:
        result, _, _ = await polls.summarize(session, poll)
    expected = {0: 0, 1: 0, 2: 0}
    for i in range(VOTERS):
        expected[2 if i % 5 == 0 else i % 3] += 1
    assert {p.index: p.score for p in result.order} == expected
    # Redraws coalesce under load, but the last one shows every ballot.
    assert 1 <= len(messenger.updates) <= VOTERS + VOTERS // 5
    assert f"{VOTERS} voted" in render(messenger.updates[-1][1])
    await bot.close()


async def test_close_happens_once_and_forgets_the_salt(database: Database) -> None:
    clock, messenger = FakeClock(), RecordingMessenger()
    bot = _bot(database, clock, messenger)
    poll = await polls.open_poll(bot.ctx, person(), channel(), _draft(anonymous=True))
    assert poll.id is not None
    assert poll.ballot_salt
    closers = await asyncio.gather(*(polls.finish(bot.ctx, "W1", poll.id) for _ in range(5)))
    assert sum(c is not None for c in closers) == 1
    assert sum("Final result" in render(p.reply) for p in messenger.posts) == 1
    async with database.transaction() as session:
        closed = await votes.get(session, "W1", poll.id)
    assert closed is not None
    assert closed.ballot_salt == ""
    assert closed.closed_at == clock.now()
    await bot.close()


async def test_due_finds_only_open_polls_past_their_deadline(database: Database) -> None:
    clock, messenger = FakeClock(), RecordingMessenger()
    bot = _bot(database, clock, messenger)
    soon = replace(_draft(), deadline=clock.now() + timedelta(hours=1))
    later = replace(_draft(), deadline=clock.now() + timedelta(days=1))
    first = await polls.open_poll(bot.ctx, person(), channel(), soon)
    await polls.open_poll(bot.ctx, person(), channel(), later)
    await polls.open_poll(bot.ctx, person(), channel(), _draft())  # no deadline: closed by hand
    clock.advance(hours=2)
    async with database.transaction() as session:
        assert [p.id for p in await votes.due(session, clock.now())] == [first.id]
    await polls.close_due(bot.ctx)
    async with database.transaction() as session:
        assert await votes.due(session, clock.now()) == []
    await bot.close()


async def test_removing_a_poll_removes_its_ballots_and_flags(database: Database) -> None:
    clock, messenger = FakeClock(), RecordingMessenger()
    bot = _bot(database, clock, messenger)
    poll = await polls.open_poll(bot.ctx, person(), channel(), _draft())
    assert poll.id is not None
    await polls.cast(bot.ctx, person("U2", "Bo"), poll.id, [1])
    async with database.transaction() as session:
        await votes.remove(session, poll.id)
    async with database.transaction() as session:
        assert await votes.get(session, "W1", poll.id) is None
        assert await votes.ballots(session, poll.id) == []
        assert await votes.turnout(session, poll.id) == 0
    await bot.close()
