"""Slack and Teams side by side on one aiohttp app, as `alignbot serve` runs them: the same
line sent through each real endpoint, and what the core answered on each (the `both` fixture
in this folder's conftest)."""

from __future__ import annotations

from dataclasses import dataclass, field

import aiohttp

from bot.app import AlignBot
from bot.events import Event
from bot.replies import Outcome
from tests.slack.harness import SlackHarness
from tests.support.fake_connector import FakeConnector
from tests.teams.activities import channel_message


@dataclass
class Outcomes:
    """What `bot.handle` answered, per platform, in order."""

    by_platform: dict[str, list[Outcome]] = field(default_factory=dict)

    def record(self, bot: AlignBot) -> None:
        handle = bot.handle

        async def recording(event: Event) -> Outcome:
            outcome = await handle(event)
            self.by_platform.setdefault(event.actor.platform, []).append(outcome)
            return outcome

        bot.handle = recording  # type: ignore[method-assign]

    def last(self, platform: str) -> Outcome:
        return self.by_platform[platform][-1]


@dataclass
class Both:
    slack: SlackHarness
    teams_url: str
    connector: FakeConnector
    session: aiohttp.ClientSession
    outcomes: Outcomes

    async def ask(self, line: str) -> tuple[Outcome, Outcome]:
        await self.slack.command(f"/{line}")
        await self.slack.settle()
        activity = channel_message(self.connector.url, line)
        async with self.session.post(f"{self.teams_url}/api/messages", json=activity) as response:
            assert response.status == 201
        return self.outcomes.last("slack"), self.outcomes.last("teams")
