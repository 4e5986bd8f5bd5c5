"""Real features through Teams: the same grammar as Slack, arriving as messages and cards."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.feature import Feature
from tests.support.fake_connector import Call
from tests.teams.activities import (
    BOB,
    CHANNEL,
    card_submit,
    channel_conversation,
    channel_message,
    message,
)
from tests.teams.conftest import TeamsHarness


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every feature in bot/features/


def _text(call: Call) -> str:
    return json.dumps(call.card, ensure_ascii=False)


def _last(teams: TeamsHarness, kind: str) -> Call:
    return teams.connector.of_kind(kind)[-1]


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if "id" in e}


def _answer(teams: TeamsHarness) -> Call:
    """The latest card the bot sent: in the conversation, or to the person's 1:1 chat."""
    return [c for c in teams.connector.calls if c.kind in ("reply", "post")][-1]


async def _dialog(teams: TeamsHarness, line: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """`line` in the channel, then the offered form's button: the dialog card and submit data."""
    await teams.send(channel_message(teams.service_url, line))
    return await teams.open_offered_form(channel_conversation())


async def _submit(teams: TeamsHarness, values: dict[str, Any]) -> dict[str, Any]:
    return await teams.submit_dialog(values, channel_conversation())


async def test_help_lists_every_feature_as_something_to_write(teams: TeamsHarness) -> None:
    await teams.send(message(teams.service_url, "help"))
    shown = _text(_last(teams, "reply"))
    for command in ("who", "role", "raci", "vote", "insight", "standup", "digest"):
        assert f"{command} — " in shown
        assert f"/{command} — " not in shown
    assert "who owns the roadmap?" in shown


async def test_roles_assign_by_mention_then_ask_who_owns(teams: TeamsHarness) -> None:
    line = "role assign <at>Bob Builder</at> Product Owner"
    await teams.send(channel_message(teams.service_url, line, mentions=[BOB]))
    assert "now holds" in _text(_answer(teams))

    await teams.send(channel_message(teams.service_url, "who owns backlog priority?"))
    answer = _answer(teams).card
    assert answer["body"][0]["text"] == "Backlog ordering & prioritisation"
    facts = {fact["title"]: fact["value"] for fact in answer["body"][1]["facts"]}
    assert facts["Accountable"] == "Product Owner: **Bob Builder**"


async def test_votes_open_from_a_dialog_then_live_tally_updates(teams: TeamsHarness) -> None:
    thread = channel_conversation()
    form, data = await _dialog(teams, "vote new Which epic next?")
    assert _inputs(form)["question"]["value"] == "Which epic next?"
    assert _inputs(form)["voters"]["choices.data"]["dataset"] == "graph.microsoft.com/users"
    values = {
        **data,
        "question": "Which epic next?",
        "items": "Search\nOnboarding\nBilling",
        "method": "single",
        "anonymous": "no",
        "hide_results": "no",
    }
    result = await _submit(teams, values)
    assert "is open in the channel" in json.dumps(result, ensure_ascii=False)
    live = next(c for c in teams.connector.of_kind("post") if c.conversation_id.startswith(CHANNEL))
    assert "Vote 1: Which epic next?" in _text(live)
    live_id = f"activity-{teams.connector.calls.index(live) + 1}"

    dropdown = _inputs(live.card)["alignbot_select_1"]
    choose = next(e for e in live.card["body"] if e["type"] == "ActionSet")["actions"][0]
    onboarding = dropdown["choices"][1]["value"]
    pick = {**choose["data"], dropdown["id"]: onboarding}
    await teams.send(card_submit(teams.service_url, pick, card_id=live_id, conversation=thread))
    tally = _last(teams, "update")
    assert tally.activity_id == live_id
    assert "1 voted" in _text(tally)
    bars = [e["text"] for e in tally.card["body"] if e.get("fontType") == "Monospace"]
    assert "Onboarding" in bars[0]
    assert "█" in bars[0]
    assert "is in" in _text(_answer(teams))


async def test_insight_form_submits_through_the_dialog(teams: TeamsHarness) -> None:
    _, data = await _dialog(teams, "insight new")
    values = {
        **data,
        "title": "Sign-up drop",
        "finding": "Half abandon at the email step",
        "method": "interview",
        "confidence": "high",
        "visibility": "public",
        "tags": "onboarding",
    }
    result = await _submit(teams, values)
    assert "Saved insight 1" in json.dumps(result, ensure_ascii=False)


async def test_standup_setup_form_defaults_to_this_channel_and_the_asker(
    teams: TeamsHarness,
) -> None:
    form, _ = await _dialog(teams, "standup setup Design")
    inputs = _inputs(form)
    assert inputs["name"]["value"] == "Design"
    assert inputs["channel"]["value"] == CHANNEL
    assert inputs["members"]["choices"] == [{"title": "Ada Lovelace", "value": "aad-ada"}]
