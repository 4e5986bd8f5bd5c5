"""The welcome on install: what to type, from the features' own examples, once per
conversation however often and wherever Teams (re)delivers the install."""

from __future__ import annotations

from typing import Any

from adapters.teams.handler import AlignBotTeams
from tests.teams.activities import (
    ADA,
    CHANNEL,
    PERSONAL,
    _base,
    channel_conversation,
    installed,
    personal_conversation,
)
from tests.teams.conftest import TeamsHarness


def installation_update(
    teams: TeamsHarness, conversation: dict[str, Any], action: str = "add"
) -> dict[str, Any]:
    """The installationUpdate Teams sends beside the conversationUpdate of an install."""
    activity = _base(teams.service_url, conversation, ADA)
    activity.update({"type": "installationUpdate", "action": action})
    return activity


def _posted(teams: TeamsHarness, conversation_id: str) -> list[str]:
    """Each card posted there, as its lines of text (markdown escapes removed)."""
    return [
        "\n".join(block.get("text", "") for block in call.card["body"]).replace("\\", "")
        for call in teams.connector.of_kind("post")
        if call.conversation_id == conversation_id
    ]


async def test_the_welcome_says_what_to_type_from_the_features_examples(
    teams: TeamsHarness,
) -> None:
    response = await teams.send(installed(teams.service_url, personal_conversation()))
    assert response.status in (200, 201)
    [welcome] = _posted(teams, PERSONAL)
    assert "Hi, I'm alignbot" in welcome
    # Commands come from the features (help first, then their examples), as typed in Teams.
    lines = welcome.splitlines()
    for typed in ("help", "vote new", "standup"):
        assert any(line.startswith(f"`{typed}`: ") for line in lines), (typed, lines)
    assert "/vote" not in welcome  # no Slack slash commands in Teams


async def test_an_install_welcomes_once_across_both_activities_and_replicas(
    teams: TeamsHarness,
) -> None:
    added = installed(teams.service_url, channel_conversation(None))
    await teams.send(added)
    await teams.send(installation_update(teams, channel_conversation(None)))
    teams.endpoint.handler = AlignBotTeams(teams.bot, teams.endpoint.handler.policy)  # no memory
    await teams.send(added)  # Teams redelivers, to another replica
    [welcome] = _posted(teams, CHANNEL)
    assert "@alignbot help" in welcome


async def test_an_installation_update_alone_welcomes_but_an_upgrade_does_not(
    teams: TeamsHarness,
) -> None:
    await teams.send(installation_update(teams, personal_conversation(), "add-upgrade"))
    assert _posted(teams, PERSONAL) == []
    await teams.send(installation_update(teams, personal_conversation()))
    assert len(_posted(teams, PERSONAL)) == 1
