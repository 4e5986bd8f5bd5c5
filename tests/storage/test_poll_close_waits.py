"""Closing a poll on PostgreSQL waits for a ballot still being saved, and counts it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text

from adapters.local.render import render
from bot.app import AlignBot
from bot.context import Context
from bot.features.votes import polls
from bot.ports import MessengerHub
from bot.settings import Settings
from storage.db import Database
from storage.repositories import votes as votes_repo
from tests.conftest import WORKSPACE, person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.votes.support import open_vote, pick

pytestmark = pytest.mark.postgres


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


async def test_closing_waits_for_a_ballot_still_being_saved(
    pg_db: Database,
    clock: FakeClock,
    messenger: RecordingMessenger,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub = MessengerHub()
    hub.connect("local", messenger)
    bot = AlignBot(Context(db=pg_db, messenger=hub, clock=clock, settings=settings))
    poll_id = await open_vote(bot, method="single")
    saving, release = asyncio.Event(), asyncio.Event()
    cast_all = votes_repo.cast_all

    async def slow_cast(*args: Any, **kwargs: Any) -> set[str]:
        first = await cast_all(*args, **kwargs)
        saving.set()
        await release.wait()  # the ballot's transaction is open, not yet committed
        return first

    monkeypatch.setattr(votes_repo, "cast_all", slow_cast)
    ballot = asyncio.create_task(pick(bot, poll_id, 0, person("U9", "Late voter")))
    await saving.wait()
    closing = asyncio.create_task(polls.finish(bot.ctx, WORKSPACE, poll_id))
    await _someone_waits_for_a_lock(pg_db)
    assert not closing.done()
    release.set()
    await ballot
    assert await closing is not None
    final = render(messenger.posts[-1].reply)
    assert "1 voted" in final, final
