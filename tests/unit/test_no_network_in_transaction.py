"""The suite-wide guard: a platform call or HTTP request inside a transaction fails the test."""

from __future__ import annotations

import aiohttp
import pytest

from bot.ports import MessengerHub
from bot.replies import say
from storage.db import Database, in_transaction
from tests.conftest import channel
from tests.support.no_io_in_transaction import NetworkInTransaction
from tests.support.recording import RecordingMessenger


async def test_network_calls_are_refused_inside_a_transaction_and_allowed_after(
    sqlite_db: Database, messenger: RecordingMessenger, no_network_in_transactions: list[str]
) -> None:
    hub = MessengerHub()
    hub.connect("local", messenger)
    async with sqlite_db.transaction():
        assert in_transaction()
        with pytest.raises(NetworkInTransaction):
            await hub.post(channel(), say("hello"))
        async with aiohttp.ClientSession() as client:
            with pytest.raises(NetworkInTransaction):
                await client.get("http://127.0.0.1:9/")
    assert no_network_in_transactions == ["MessengerHub.post", "ClientSession._request"]
    no_network_in_transactions.clear()  # seen on purpose; teardown fails on any other
    assert not in_transaction()
    await hub.post(channel(), say("hello"))
    assert len(messenger.posts) == 1
