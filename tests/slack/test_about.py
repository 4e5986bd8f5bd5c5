"""`/alignbot about` and `/alignbot about introduce` through Slack: signed HTTP in, the modal
out to the fake Web API, its submission back, and the card posted to the channel."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.feature import Feature
from tests.slack.harness import SlackHarness, initial_values


@pytest.fixture
def features() -> list[Feature] | None:
    """Every feature in bot/features, discovered as in production."""
    return None


def shown(payload: dict[str, Any]) -> str:
    return json.dumps([payload.get("text"), payload.get("blocks")], ensure_ascii=False)


async def test_about_answers_privately(slack: SlackHarness) -> None:
    answer = await slack.command("/alignbot about")
    assert answer.status == 200
    await slack.settle()
    said = shown(slack.fake.responses[-1][1])
    assert "About this alignbot" in said
    assert "/alignbot about introduce" in said
    assert slack.fake.called("chat.postMessage") == []


async def test_introduce_opens_a_modal_and_posts_the_card_to_the_channel(
    slack: SlackHarness,
) -> None:
    await slack.command("/alignbot about introduce")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    view = opened["view"]
    submitted = await slack.submit(view, {**initial_values(view), "commands": ["vote", "who"]})
    assert submitted.status == 200
    assert submitted.text == "", submitted.text
    await slack.settle()
    (posted,) = slack.fake.called("chat.postMessage")
    assert posted["channel"] == "C1"
    card = shown(posted)
    assert "alignbot is here" in card
    assert "/vote" in card
    assert "/who" in card
    assert "/standup" not in card


async def test_a_modal_whose_metadata_was_altered_posts_nothing_in_the_channel(
    slack: SlackHarness,
) -> None:
    await slack.command("/alignbot about introduce")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    view = {**opened["view"], "private_metadata": opened["view"]["private_metadata"] + "x"}
    await slack.submit(view, {**initial_values(view), "commands": ["vote"]})
    await slack.settle()
    said = slack.fake.called("chat.postMessage")
    assert [p["channel"] for p in said] == ["DU1"]  # told privately, nothing in the channel
    assert "That form has expired" in shown(said[0])
