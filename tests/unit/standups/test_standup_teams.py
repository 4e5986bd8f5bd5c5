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
    card_submit,
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


def _filled(teams: TeamsHarness, **values: str) -> dict[str, Any]:
    """What Teams sends for the last card form: its data, every input's value, `values` typed."""
    card = teams.connector.of_kind("reply")[-1].card
    inputs = {e["id"]: e.get("value") for e in card["body"] if "id" in e}
    return {**card["actions"][0]["data"], **inputs, **values}


async def test_setup_prompt_answer_and_summary_through_teams(
    teams: TeamsHarness, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday
    await teams.send(message(teams.service_url, "standup tz"))  # a personal chat with the bot
    assert "Europe/Berlin" in _text(teams.connector.of_kind("reply")[-1])

    await teams.send(channel_message(teams.service_url, "standup setup Design"))
    values = _filled(teams, summary_time="16:00")
    submitted = card_submit(
        teams.service_url, values, card_id="form-1", conversation=channel_conversation()
    )
    await teams.send(submitted)
    assert "created" in _text(teams.connector.of_kind("reply")[-1])

    clock.current = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    await jobs.tick(teams.bot.ctx)
    prompt = teams.connector.calls[-1]
    assert prompt.conversation_id == PERSONAL
    assert "Time for your" in _text(prompt)

    await teams.send(message(teams.service_url, "standup"))
    answers = _filled(teams, q0="Wireframes", q1="Tests", q2="No VPN")
    await teams.send(card_submit(teams.service_url, answers, card_id="form-2"))
    assert "is saved" in _text(teams.connector.of_kind("reply")[-1])

    clock.current = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    await jobs.tick(teams.bot.ctx)
    posts = [c for c in teams.connector.of_kind("post") if c.conversation_id.startswith(CHANNEL)]
    parent, thread_reply = posts
    assert "Blockers" in _text(parent)
    assert "No VPN" in _text(parent)
    assert "Wireframes" in _text(thread_reply)
