"""The message extension: a message's "…" menu starts an insight or a vote through
`composeExtension/fetchTask` and `composeExtension/submitAction` invokes, as Teams sends them."""

from __future__ import annotations

import json
from typing import Any

from adapters.teams import extension, package
from adapters.teams.handler import ALREADY_DONE, AlignBotTeams
from tests.teams.activities import ADA, CHANNEL, _base, channel_conversation
from tests.teams.conftest import TeamsHarness

LINK = "https://teams.microsoft.com/l/message/19:product@thread.tacv2/1700000000000"


def invoke(teams: TeamsHarness, name: str, value: dict[str, Any]) -> dict[str, Any]:
    activity = _base(teams.service_url, channel_conversation(), ADA)
    activity.update({"type": "invoke", "name": name, "value": value})
    return activity


def fetch_task(teams: TeamsHarness, command: str, html: str) -> dict[str, Any]:
    return invoke(
        teams,
        extension.FETCH_TASK,
        {
            "commandId": command,
            "commandContext": "message",
            "context": {"theme": "default"},
            "messagePayload": {
                "id": "1700000000000",
                "body": {"contentType": "html", "content": html},
                "linkToMessage": LINK,
            },
        },
    )


async def open_dialog(teams: TeamsHarness, command: str, html: str) -> dict[str, Any]:
    response = await teams.send(fetch_task(teams, command, html))
    assert response.status == 200
    task: dict[str, Any] = (await response.json())["task"]
    return task


def inputs(card: dict[str, Any]) -> dict[str, Any]:
    return {e["id"]: e.get("value") for e in card["body"] if e.get("type", "").startswith("Input")}


async def submit_action(teams: TeamsHarness, command: str, data: dict[str, Any]) -> dict[str, Any]:
    value = {"commandId": command, "commandContext": "message", "data": data}
    response = await teams.send(invoke(teams, extension.SUBMIT_ACTION, value))
    assert response.status == 200
    task: dict[str, Any] = (await response.json())["task"]
    return task


async def test_start_a_vote_from_a_message_with_a_list(teams: TeamsHarness) -> None:
    html = "<p>Which epic next?</p><ul><li>Search</li><li>Billing &amp; invoices</li></ul>"
    task = await open_dialog(teams, "startVote", html)
    assert task["type"] == "continue", task
    card = task["value"]["card"]["content"]
    filled = inputs(card)
    assert filled["question"] == "Which epic next?"
    assert "Search\nBilling & invoices" in json.dumps(filled, ensure_ascii=False).replace(
        "\\n", "\n"
    )
    data = {**card["actions"][0]["data"], **{k: v for k, v in filled.items() if v}}
    data.update({"method": "single", "anonymous": "no", "hide_results": "no"})
    await submit_action(teams, "startVote", data)
    posted = [c for c in teams.connector.of_kind("post") if c.conversation_id.startswith(CHANNEL)]
    assert any("Vote 1: Which epic next?" in json.dumps(c.card) for c in posted)


async def test_share_as_insight_keeps_the_message_link(teams: TeamsHarness) -> None:
    html = "<div>Checkout confusion<br>Four of six testers missed the promo field.</div>"
    task = await open_dialog(teams, "shareAsInsight", html)
    assert task["type"] == "continue", task
    filled = inputs(task["value"]["card"]["content"])
    assert filled["title"] == "Checkout confusion"
    assert filled["finding"] == "Checkout confusion\nFour of six testers missed the promo field."
    assert LINK in filled["evidence"]


async def test_a_command_we_never_declared_opens_nothing(teams: TeamsHarness) -> None:
    task = await open_dialog(teams, "deleteEverything", "<p>x</p>")
    assert task["type"] == "message"
    malformed = invoke(teams, extension.FETCH_TASK, {"commandId": "startVote", "messagePayload": 7})
    response = await teams.send(malformed)
    assert response.status == 200
    shown = json.dumps(await response.json())
    assert "fewer than two lines" in shown  # a friendly refusal in the dialog, no form
    assert "Traceback" not in shown
    assert "Input.Text" not in shown


def test_the_manifest_declares_both_message_actions_within_teams_limits() -> None:
    document = package.manifest("11111111-2222-3333-4444-555555555555", "https://alignbot.test", [])
    (extension_entry,) = document["composeExtensions"]
    assert extension_entry["botId"] == document["bots"][0]["botId"]
    commands = extension_entry["commands"]
    assert {c["id"] for c in commands} == set(extension.COMMANDS)
    for command in commands:
        assert command["type"] == "action"
        assert command["context"] == ["message"]
        assert command["fetchTask"] is True
        assert len(command["title"]) <= 32
        assert len(command["description"]) <= 128


async def test_a_replayed_submit_action_creates_the_vote_once(teams: TeamsHarness) -> None:
    html = "<p>Which epic next?</p><ul><li>Search</li><li>Billing</li></ul>"
    card = (await open_dialog(teams, "startVote", html))["value"]["card"]["content"]
    data = {**card["actions"][0]["data"], **{k: v for k, v in inputs(card).items() if v}}
    data.update({"method": "single", "anonymous": "no", "hide_results": "no"})
    value = {"commandId": "startVote", "commandContext": "message", "data": data}
    activity = invoke(teams, extension.SUBMIT_ACTION, value)
    first = await teams.send(activity)
    teams.endpoint.handler = AlignBotTeams(teams.bot, teams.endpoint.handler.policy)  # no memory
    again = await teams.send(activity)  # Teams resends the same invoke, to another replica
    assert (first.status, again.status) == (200, 200)
    assert (await again.json())["task"]["value"] == ALREADY_DONE
    posted = [json.dumps(c.card) for c in teams.connector.of_kind("post")]
    assert sum("Which epic next?" in card for card in posted) == 1
    assert "Vote 2" not in json.dumps(posted)


async def test_a_replayed_fetch_task_shows_the_form_again(teams: TeamsHarness) -> None:
    activity = fetch_task(teams, "shareAsInsight", "<p>Checkout confusion</p>")
    first = await teams.send(activity)
    again = await teams.send(activity)
    assert (await first.json())["task"]["type"] == "continue"
    assert (await again.json())["task"]["type"] == "continue"  # only reads: nothing to refuse
