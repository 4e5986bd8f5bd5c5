"""Through Teams: a vote read from outside its channel is shown to the channel's members only."""

from __future__ import annotations

import json

import pytest

from bot.feature import Feature
from tests.teams.activities import (
    BOB,
    CHANNEL,
    TENANT,
    channel_conversation,
    channel_message,
    message,
)
from tests.teams.conftest import TeamsHarness

CARL = {"id": "29:carl", "name": "Carl Member", "aadObjectId": "aad-carl"}


@pytest.fixture
def features() -> list[Feature] | None:
    return None


def last_reply(teams: TeamsHarness) -> str:
    return json.dumps(teams.connector.of_kind("reply")[-1].card, ensure_ascii=False)


async def open_vote(teams: TeamsHarness) -> None:
    thread = channel_conversation()
    await teams.send(channel_message(teams.service_url, "vote new Secret roadmap?"))
    _, data = await teams.open_offered_form(thread)
    values = {
        **data,
        "question": "Secret roadmap?",
        "items": "Search\nBilling",
        "method": "single",
        "anonymous": "no",
        "hide_results": "no",
    }
    result = await teams.submit_dialog(values, thread)
    assert "is open in the channel" in json.dumps(result, ensure_ascii=False)


async def test_a_vote_asked_about_in_a_personal_chat_follows_the_channel_roster(
    teams: TeamsHarness,
) -> None:
    await open_vote(teams)
    teams.connector.members = {
        member["id"]: {**member, "tenantId": TENANT, "userRole": "user"} for member in (BOB, CARL)
    }
    teams.connector.rosters[CHANNEL] = {"aad-carl"}

    await teams.send(message(teams.service_url, "vote results 99", sender=BOB))
    missing = last_reply(teams)
    await teams.send(message(teams.service_url, "vote results 1", sender=BOB))
    outsider = last_reply(teams)
    assert "Secret roadmap" not in outsider
    assert outsider.replace("1", "99") == missing.replace("1", "99")

    await teams.send(message(teams.service_url, "vote export 1", sender=CARL))
    assert "Search" in last_reply(teams)
    lookups = teams.connector.of_kind("member")
    assert [(c.conversation_id, c.activity_id) for c in lookups] == [
        (CHANNEL, "aad-bob"),
        (CHANNEL, "aad-carl"),
    ]


async def test_my_data_in_a_personal_chat(teams: TeamsHarness) -> None:
    await teams.send(message(teams.service_url, "insight follow pricing", sender=BOB))
    await teams.send(message(teams.service_url, "my data", sender=BOB))
    mine = last_reply(teams).replace("\u00a0", " ")  # monospace lines keep spaces as NBSP
    assert "followed tags" in mine
    assert "pricing" in mine
    assert "Bob Builder" in mine
