"""Options added at the same moment: none lost, none twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.app import AlignBot
from bot.context import Context
from bot.features.votes import additions
from bot.ports import MessengerHub
from bot.settings import Settings
from storage.db import Database
from storage.models.votes import AddedOption, Poll
from storage.repositories import vote_options
from tests.conftest import person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.votes.support import open_vote


def _bot(
    db: Database, clock: FakeClock, messenger: RecordingMessenger, settings: Settings
) -> AlignBot:
    hub = MessengerHub()
    hub.connect("local", messenger)
    return AlignBot(Context(db=db, messenger=hub, clock=clock, settings=settings))


async def _stored(db: Database, poll_id: int) -> tuple[list[str], list[tuple[str, int]]]:
    async with db.transaction() as session:
        poll = (await session.exec(select(Poll).where(Poll.id == poll_id))).one()
        rows = (await session.exec(select(AddedOption))).all()
    return json.loads(poll.items), sorted((r.label, r.position) for r in rows)


async def test_the_same_option_added_by_many_at_once_is_stored_once(
    database: Database, clock: FakeClock, messenger: RecordingMessenger, settings: Settings
) -> None:
    bot = _bot(database, clock, messenger, settings)
    poll_id = await open_vote(bot, method="multi", allow_additions="yes")
    voters = [person(f"U{n}", f"P{n}") for n in range(2, 8)]
    labels = ["Dark mode", "dark mode", "DARK MODE", "Offline", "offline ", "Dark  Mode"]
    positions = await asyncio.gather(
        *(
            additions.add(bot.ctx, who, poll_id, label.strip())
            for who, label in zip(voters, labels, strict=True)
        )
    )
    assert sorted(p for p in positions if p is not None) == [3, 4]
    items, rows = await _stored(database, poll_id)
    assert items[:3] == ["Search", "Onboarding", "Billing"]
    assert sorted(item.casefold() for item in items[3:]) == ["dark mode", "offline"]
    assert rows == sorted((items[i], i) for i in (3, 4))


async def _someone_waits_for_a_lock(db: Database) -> None:
    async with asyncio.timeout(10):
        while True:
            async with db.engine.connect() as connection:
                waiting = await connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
            if waiting:
                return
            await asyncio.sleep(0.05)


@pytest.mark.postgres
async def test_a_second_option_waits_for_the_first_and_neither_is_lost(
    pg_db: Database,
    clock: FakeClock,
    messenger: RecordingMessenger,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = _bot(pg_db, clock, messenger, settings)
    poll_id = await open_vote(bot, method="single", allow_additions="yes")
    appended, release = asyncio.Event(), asyncio.Event()
    append = vote_options.append

    async def slow_append(*args: Any, **kwargs: Any) -> int | None:
        position = await append(*args, **kwargs)
        if not appended.is_set():
            appended.set()
            await release.wait()  # the first addition's transaction is still open
        return position

    monkeypatch.setattr(vote_options, "append", slow_append)
    first = asyncio.create_task(additions.add(bot.ctx, person("U2", "Bo"), poll_id, "Dark mode"))
    await appended.wait()
    second = asyncio.create_task(additions.add(bot.ctx, person("U3", "Cy"), poll_id, "Offline"))
    await _someone_waits_for_a_lock(pg_db)
    release.set()
    assert (await first, await second) == (3, 4)
    items, rows = await _stored(pg_db, poll_id)
    assert items == ["Search", "Onboarding", "Billing", "Dark mode", "Offline"]
    assert rows == [("Dark mode", 3), ("Offline", 4)]
