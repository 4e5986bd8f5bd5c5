"""Slack and Teams stay identical: the same words through each real endpoint, the same answer.

One aiohttp app serves both platforms (as `alignbot serve` does). Each line is sent as a Slack
slash command (signed, to /slack/events) and as a Teams message (to /api/messages); the core
outcome each adapter obtained is compared, and each platform must have delivered it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest

from adapters.local.render import render
from adapters.server import build_web_app
from adapters.teams import TEAMS_KEY
from bot.app import AlignBot
from bot.context import Context
from bot.events import Event
from bot.ports import MessengerHub
from bot.replies import Form, Outcome, Reply
from bot.settings import Settings
from storage.db import Database
from tests.slack.harness import SECRET, SlackHarness
from tests.support.fake_connector import FakeConnector
from tests.support.fake_slack import FakeSlack
from tests.support.recording import FakeClock
from tests.teams.activities import channel_message
from tests.teams.conftest import FAST, serve


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


@pytest.fixture
async def both(sqlite_db: Database, clock: FakeClock) -> AsyncIterator[Both]:
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


def _same(slack: Outcome, teams: Outcome) -> None:
    if isinstance(slack, Form):
        assert isinstance(teams, Form)
        assert (slack.form_id, slack.title, slack.inputs) == (
            teams.form_id,
            teams.title,
            teams.inputs,
        )
        return
    assert isinstance(slack, Reply), slack
    assert isinstance(teams, Reply), teams
    assert render(slack) == render(teams)


@pytest.mark.parametrize(
    "line",
    [
        "who owns backlog priority",
        "who owns the coffee machine",
        "who design",
        "role list",
        "raci show",
        "raci check",
        "vote new Which epic next?",
        "insight new",
        "insight search onboarding",
        "standup",
        "frobnicate the roadmap",
    ],
)
async def test_the_same_words_give_the_same_answer_on_slack_and_teams(
    both: Both, line: str
) -> None:
    slack, teams = await both.ask(line)
    _same(slack, teams)
    assert both.connector.calls, "Teams delivered nothing"
    assert both.slack.fake.calls or both.slack.fake.responses, "Slack delivered nothing"


async def test_help_lists_the_same_commands_each_spelled_for_its_platform(both: Both) -> None:
    slack, teams = await both.ask("alignbot help")
    assert isinstance(slack, Reply)
    assert isinstance(teams, Reply)
    listed = re.compile(r"^(/?)(?:alignbot )?(\w+) — ", re.MULTILINE)  # `/alignbot my`
    on_slack = listed.findall(render(slack))
    on_teams = listed.findall(render(teams))
    assert {slash for slash, _ in on_slack} == {"/"}
    assert {slash for slash, _ in on_teams} == {""}
    assert [name for _, name in on_slack] == [name for _, name in on_teams]
    assert len(on_slack) >= 7
