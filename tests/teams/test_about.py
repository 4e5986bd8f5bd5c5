"""`about` and `about introduce` through Teams: a message in a channel, the offered form's
dialog, its submission, and the card posted to the channel through the connector."""

from __future__ import annotations

import json

import pytest

from bot.feature import Feature
from tests.teams.activities import CHANNEL, channel_conversation, channel_message
from tests.teams.conftest import TeamsHarness


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every feature in bot/features/


async def test_about_then_introduce_posts_the_card_in_the_channel(teams: TeamsHarness) -> None:
    await teams.send(channel_message(teams.service_url, "alignbot about"))
    about = [c for c in teams.connector.calls if c.kind in ("reply", "post")][-1]
    assert "About this alignbot" in json.dumps(about.card)

    await teams.send(channel_message(teams.service_url, "alignbot about introduce"))
    form, data = await teams.open_offered_form(channel_conversation())
    choices = next(e for e in form["body"] if e.get("id") == "commands")
    assert "vote" in [c["value"] for c in choices["choices"]]
    result = await teams.submit_dialog({**data, "commands": "vote,who"}, channel_conversation())
    assert "Posted" in json.dumps(result, ensure_ascii=False)

    posted = teams.connector.of_kind("post")[-1]
    assert posted.conversation_id.startswith(CHANNEL)
    card = json.dumps(posted.card, ensure_ascii=False)
    assert "alignbot is here" in card
    assert "/vote" in card
    assert "/who" in card
    assert "/standup" not in card
