"""Teams redeliveries are recognised through the database, so any replica drops them."""

from __future__ import annotations

import asyncio

import pytest

from adapters.teams.handler import AlignBotTeams
from bot.feature import Feature
from bot.inbox import Inbox
from tests.teams.activities import message
from tests.teams.conftest import TeamsHarness
from tests.teams.demo_feature import Seen, demo_feature


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def features(seen: Seen) -> list[Feature]:
    return [demo_feature(seen)]


async def test_a_redelivery_to_another_replica_is_answered_once(
    teams: TeamsHarness, seen: Seen
) -> None:
    activity = message(teams.service_url, "echo once")
    await teams.send(activity)
    teams.endpoint.handler = AlignBotTeams(teams.bot, teams.endpoint.handler.policy)  # no memory
    again = await teams.send(activity)
    assert again.status == 201
    assert len(seen.commands) == 1
    assert len(teams.connector.of_kind("reply")) == 1


async def test_a_redelivery_after_the_first_turn_died_is_answered(
    teams: TeamsHarness, seen: Seen
) -> None:
    activity = message(teams.service_url, "echo retried")
    dead = Inbox(teams.bot.ctx.db, lease_seconds=0.01)
    key = f"teams:{activity['conversation']['id']}|{activity['id']}"
    assert await dead.admit(key, "teams", "activity") is not None
    await asyncio.sleep(0.05)
    await teams.send(activity)
    assert len(seen.commands) == 1
    assert len(teams.connector.of_kind("reply")) == 1
