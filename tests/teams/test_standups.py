"""The stand-up through Microsoft Teams: messages and cards in, the fake connector out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.feature import Feature
from bot.features.standups import jobs
from tests.support.fake_connector import Call
from tests.support.recording import FakeClock
from tests.teams.activities import (
    CHANNEL,
    PERSONAL,
    channel_conversation,
    channel_message,
    message,
)
from tests.teams.conftest import TeamsHarness


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature


def _text(call: Call) -> str:
    return json.dumps(call.card, ensure_ascii=False)


def _filled(card: dict[str, Any], data: dict[str, Any], **values: str) -> dict[str, Any]:
    """What Teams sends from a dialog: its data, every input's value, `values` typed."""
    inputs = {e["id"]: e.get("value") for e in card["body"] if "id" in e}
    return {**data, **inputs, **values}


async def test_setup_prompt_answer_and_summary_through_teams(
    teams: TeamsHarness, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday
    await teams.send(message(teams.service_url, "standup tz"))  # a personal chat with the bot
    assert "Europe/Berlin" in _text(teams.connector.of_kind("reply")[-1])

    await teams.send(channel_message(teams.service_url, "standup setup Design"))
    thread = channel_conversation()
    card, data = await teams.open_offered_form(thread)
    result = await teams.submit_dialog(_filled(card, data, summary_time="16:00"), thread)
    assert "created" in json.dumps(result, ensure_ascii=False)

    clock.current = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    await jobs.tick(teams.bot.ctx)
    prompt = teams.connector.calls[-1]
    assert prompt.conversation_id == PERSONAL
    assert "Time for your" in _text(prompt)

    await teams.send(message(teams.service_url, "standup"))
    card, data = await teams.open_offered_form()
    answered = await teams.submit_dialog(
        _filled(card, data, q0="Wireframes", q1="Tests", q2="No VPN")
    )
    assert "is saved" in json.dumps(answered, ensure_ascii=False)

    clock.current = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    await jobs.tick(teams.bot.ctx)
    posts = [c for c in teams.connector.of_kind("post") if c.conversation_id.startswith(CHANNEL)]
    parent, thread_reply = posts
    assert "Blockers" in _text(parent)
    assert "No VPN" in _text(parent)
    assert "Wireframes" in _text(thread_reply)
