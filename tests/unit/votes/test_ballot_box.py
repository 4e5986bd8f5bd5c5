"""Ballots submitted at the same moment are stored together, on both databases, and each
voter still gets their own answer: stored, updated, or refused alone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.app import AlignBot
from bot.context import Context
from bot.ports import MessengerHub
from bot.settings import Settings
from storage.db import Database
from storage.models.votes import Ballot
from tests.conftest import person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.votes.support import ballot_form, counts, open_vote, ranks, submit, text_of

VOTERS = [person(f"U{n}", f"Voter {n}") for n in range(1, 41)]
OUTSIDER = person("U99", "Outsider")


@pytest.fixture
async def bot(
    database: Database, clock: FakeClock, messenger: RecordingMessenger, settings: Settings
) -> AlignBot:
    hub = MessengerHub()
    hub.connect("local", messenger)
    return AlignBot(Context(db=database, messenger=hub, clock=clock, settings=settings))


@pytest.fixture
def ballot_writes(database: Database) -> Iterator[list[str]]:
    """Every INSERT INTO vote_ballot the database is sent."""
    sent: list[str] = []

    def seen(*args: Any) -> None:
        statement = args[2]
        if statement.lstrip().startswith("INSERT INTO vote_ballot"):
            sent.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
    yield sent
    event.remove(database.engine.sync_engine, "before_cursor_execute", seen)


async def test_concurrent_ballots_are_stored_together_each_answered_on_its_own(
    bot: AlignBot, ballot_writes: list[str]
) -> None:
    poll_id = await open_vote(bot, voters=[v.user_id for v in VOTERS])
    forms = {v.user_id: await ballot_form(bot, poll_id, v) for v in VOTERS}
    metadata = forms["U1"].metadata
    changer = VOTERS[0]  # sends two different ballots at once: the later one counts

    answers = await asyncio.gather(
        *(submit(bot, "vote.ballot", ranks([n % 3]), v, metadata) for n, v in enumerate(VOTERS)),
        submit(bot, "vote.ballot", ranks([2, 1, 0]), changer, metadata),
        submit(bot, "vote.ballot", ranks([0]), OUTSIDER, metadata),
    )

    texts = [text_of(a) for a in answers]
    assert "named people only" in texts[-1]
    assert all("Your ballot for vote" in t for t in texts[:-1])
    assert sum(" is in: " in t for t in texts[:-1]) == len(VOTERS)
    assert " was updated: " in texts[-2]
    assert await counts(bot) == (1, len(VOTERS), len(VOTERS))
    async with bot.ctx.db.transaction() as session:
        theirs = (await session.exec(select(Ballot).where(Ballot.voter_id == "U1"))).one()
    assert json.loads(theirs.choice) == [2, 1, 0]
    assert len(ballot_writes) < len(VOTERS) // 2, "ballots cast at once were written one by one"


async def test_a_refused_ballot_refuses_only_its_voter_and_a_repeat_only_updates(
    bot: AlignBot,
) -> None:
    poll_id = await open_vote(bot, anonymous="yes")
    form = await ballot_form(bot, poll_id, VOTERS[0])
    first = await asyncio.gather(
        *(submit(bot, "vote.ballot", ranks([1]), v, form.metadata) for v in VOTERS[:5])
    )
    assert all(" is in: " in text_of(a) for a in first)

    async with bot.ctx.db.transaction() as session:  # Voter 3's ballot keyed by an older key
        stored = {b.owner_key: b for b in (await session.exec(select(Ballot))).all()}
        mine = next(iter(stored.values()))
        mine.owner_key = "keyed-by-a-retired-server-key"
        session.add(mine)
    again = await asyncio.gather(
        *(submit(bot, "vote.ballot", ranks([0]), v, form.metadata) for v in VOTERS[:5])
    )
    refused = [text_of(a) for a in again if "can no longer be changed" in text_of(a)]
    updated = [text_of(a) for a in again if " was updated: " in text_of(a)]
    assert (len(refused), len(updated)) == (1, 4)
    assert await counts(bot) == (1, 5, 5)
    async with bot.ctx.db.transaction() as session:
        choices = sorted(json.loads(b.choice) for b in (await session.exec(select(Ballot))).all())
    assert choices == [[0], [0], [0], [0], [1]]
