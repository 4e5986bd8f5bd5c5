"""Teams redeliveries are recognised through the database, so any replica drops them;
every outcome reaches Teams through the one renderer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from adapters.teams.cards import ACTION_KEY
from adapters.teams.handler import ALREADY_DONE, AlignBotTeams
from adapters.teams.render import TeamsRenderer
from bot.app import AlignBot
from bot.events import Event
from bot.feature import Feature
from bot.inbox import Inbox
from bot.replies import Outcome
from tests.teams.activities import card_execute, card_submit, message, task_fetch
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


async def test_a_redelivered_action_execute_to_another_replica_counts_once(
    teams: TeamsHarness, seen: Seen
) -> None:
    data = {ACTION_KEY: "demo.tally", "value": "A"}
    activity = card_execute(teams.service_url, data, card_id="card-1")
    first = await teams.send(activity)
    teams.endpoint.handler = AlignBotTeams(teams.bot, teams.endpoint.handler.policy)  # no memory
    again = await teams.send(activity)
    assert (first.status, again.status) == (200, 200)
    assert (await again.json())["value"] == ALREADY_DONE
    assert len(seen.actions) == 1


async def test_a_redelivered_dialog_step_is_handled_once(teams: TeamsHarness, seen: Seen) -> None:
    data = {ACTION_KEY: "demo.open", "value": "x"}
    activity = task_fetch(teams.service_url, data, card_id="card-1")
    first = await teams.send(activity)
    assert (await first.json())["task"]["type"] == "continue"
    teams.endpoint.handler = AlignBotTeams(teams.bot, teams.endpoint.handler.policy)
    again = await teams.send(activity)
    assert again.status == 200
    assert (await again.json())["task"]["value"] == ALREADY_DONE
    assert len(seen.actions) == 1


async def test_every_outcome_goes_through_the_one_renderer(
    teams: TeamsHarness, seen: Seen, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever surface a turn came from, the core's outcome reaches Teams only through
    `TeamsRenderer.render`: adding a platform means a translator and a renderer."""
    handled: list[Outcome] = []
    rendered: list[Outcome] = []
    handle, render = AlignBot.handle, TeamsRenderer.render

    async def spy_handle(self: AlignBot, event: Event) -> Outcome:
        outcome = await handle(self, event)
        handled.append(outcome)
        return outcome

    async def spy_render(self: TeamsRenderer, outcome: Outcome, *args: Any) -> Any:
        rendered.append(outcome)
        return await render(self, outcome, *args)

    monkeypatch.setattr(AlignBot, "handle", spy_handle)
    monkeypatch.setattr(TeamsRenderer, "render", spy_render)
    url = teams.service_url
    await teams.send(message(url, "echo hi"))  # a Reply in the conversation
    await teams.send(card_submit(url, {ACTION_KEY: "demo.tally", "value": "1"}, card_id="c"))
    await teams.send(card_execute(url, {ACTION_KEY: "demo.ping", "value": "2"}, card_id="c"))
    opened = await teams.send(task_fetch(url, {ACTION_KEY: "demo.open", "value": "3"}))
    dialog = (await opened.json())["task"]["value"]["card"]["content"]
    submit = dialog["actions"][0]["data"]
    await teams.submit_dialog({**submit, "title": "bad"})  # FormErrors, shown in the dialog
    await teams.submit_dialog({**submit, "title": "good"})  # the dialog's result
    await teams.send(message(url, "ask"))  # a Form, offered as a launcher card
    kinds = {type(outcome).__name__ for outcome in handled}
    assert kinds >= {"Reply", "Form", "FormErrors"}
    assert [id(o) for o in rendered] == [id(o) for o in handled]
