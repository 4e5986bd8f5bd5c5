"""The real aiohttp app with the Teams adapter, on 127.0.0.1, beside a fake connector; and
`both`, the same app answering Slack too, for parity tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.server import build_web_app
from adapters.teams import TEAMS_KEY, TeamsEndpoint
from adapters.teams.retry import RetryPolicy
from bot.app import AlignBot
from bot.context import Context
from bot.feature import Feature
from bot.ports import MessengerHub
from bot.settings import Settings
from storage.db import Database
from tests.slack.harness import SECRET, SlackHarness
from tests.support.fake_connector import FakeConnector
from tests.support.fake_slack import FakeSlack
from tests.support.recording import FakeClock
from tests.teams.activities import task_fetch, task_submit
from tests.teams.both import Both, Outcomes

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)


@dataclass
class TeamsHarness:
    bot: AlignBot
    endpoint: TeamsEndpoint
    connector: FakeConnector
    url: str
    session: aiohttp.ClientSession

    @property
    def service_url(self) -> str:
        return self.connector.url

    async def send(
        self, activity: dict[str, Any], headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        response = await self.session.post(
            f"{self.url}/api/messages", json=activity, headers=headers
        )
        await response.read()
        return response

    async def open_offered_form(
        self, conversation: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Presses "Open form" on the last form the bot offered: the dialog's card, and the
        data its submit button sends."""
        offered = [c for c in self.connector.calls if c.kind in ("reply", "post")][-1]
        [button] = offered.card["actions"]
        response = await self.send(
            task_fetch(self.service_url, button["data"], conversation=conversation)
        )
        task = (await response.json())["task"]
        assert task["type"] == "continue", task
        card: dict[str, Any] = task["value"]["card"]["content"]
        return card, card["actions"][0]["data"]

    async def submit_dialog(
        self, values: dict[str, Any], conversation: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Submits a dialog page; the `task` Teams would get back (continue or message)."""
        response = await self.send(task_submit(self.service_url, values, conversation=conversation))
        assert response.status == 200
        task: dict[str, Any] = (await response.json())["task"]
        return task


def insecure_settings(**overrides: Any) -> Settings:
    """Ada is a workspace admin, as a Teams install lists its admins in ALIGNBOT_ADMINS."""
    values: dict[str, Any] = {"ALIGNBOT_TEAMS_INSECURE_LOCAL": True, "ALIGNBOT_ADMINS": "aad-ada"}
    return Settings(_env_file=None, **(values | overrides))


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def features() -> Sequence[Feature] | None:
    """Override in a test module to run a tiny test-only feature set (None = every feature)."""
    return None


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def teams(
    sqlite_db: Database,
    clock: FakeClock,
    connector: FakeConnector,
    features: Sequence[Feature] | None,
) -> AsyncIterator[TeamsHarness]:
    settings = insecure_settings()
    bot = AlignBot(
        Context(db=sqlite_db, messenger=MessengerHub(), clock=clock, settings=settings),
        features=features,
    )
    app = build_web_app(bot, settings)
    endpoint = app[TEAMS_KEY]
    endpoint.use_retry_policy(FAST)
    runner, url = await serve(app)
    async with aiohttp.ClientSession() as session:
        yield TeamsHarness(bot, endpoint, connector, url, session)
    await runner.cleanup()


@pytest.fixture
async def both(sqlite_db: Database, clock: FakeClock) -> AsyncIterator[Both]:
    """Slack and Teams on one app with every feature, each outcome recorded per platform."""
    fake_slack = await FakeSlack().start()
    connector = FakeConnector()
    await connector.start()
    settings = Settings(
        _env_file=None,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.api_url,
        ALIGNBOT_TEAMS_INSECURE_LOCAL=True,
        ALIGNBOT_ADMINS="",
    )
    bot = AlignBot(Context(db=sqlite_db, messenger=MessengerHub(), clock=clock, settings=settings))
    outcomes = Outcomes()
    outcomes.record(bot)
    app = build_web_app(bot, settings)
    app[TEAMS_KEY].use_retry_policy(FAST)
    runner, url = await serve(app)
    async with aiohttp.ClientSession() as session:
        slack = SlackHarness(
            url=f"{url}/slack/events", session=session, fake=fake_slack, bot=bot, app=app
        )
        yield Both(slack, url, connector, session, outcomes)
    await runner.cleanup()
    await connector.close()
    await fake_slack.close()
