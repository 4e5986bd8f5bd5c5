"""The real aiohttp app with Slack mounted, a fake Slack Web API, and a signed-request client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession, web

from bot.app import AlignBot
from bot.context import Context
from bot.feature import Feature
from bot.ports import MessengerHub
from bot.settings import Settings
from storage.db import Database
from tests.slack.harness import SECRET, SlackHarness
from tests.slack.probe import Seen, probe_feature
from tests.support.fake_slack import FakeSlack
from tests.support.recording import FakeClock


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.close()


@pytest.fixture
def slack_settings(fake_slack: FakeSlack) -> Settings:
    return Settings(
        _env_file=None,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.api_url,
        ALIGNBOT_ADMINS="",
    )


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def features(seen: Seen) -> list[Feature] | None:
    """The test-only probe feature; override with None for every real feature."""
    return [probe_feature(seen)]


def web_app(bot: AlignBot, settings: Settings) -> web.Application:
    from adapters.server import build_web_app

    return build_web_app(bot, settings)


@pytest.fixture
async def slack(
    sqlite_db: Database,
    clock: FakeClock,
    slack_settings: Settings,
    fake_slack: FakeSlack,
    features: list[Feature] | None,
) -> AsyncIterator[SlackHarness]:
    ctx = Context(db=sqlite_db, messenger=MessengerHub(), clock=clock, settings=slack_settings)
    bot = AlignBot(ctx, features=features)
    app = web_app(bot, slack_settings)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with ClientSession() as session:
        yield SlackHarness(
            url=f"http://127.0.0.1:{port}/slack/events",
            session=session,
            fake=fake_slack,
            bot=bot,
            app=app,
        )
    await runner.cleanup()
