"""Card data through the real Teams endpoint: no form id or metadata travels, and an edited or
made-up reference to a kept form changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from adapters.teams import dialogs
from bot.feature import Feature
from storage.models.standups import StandupAnswer
from tests.support.recording import FakeClock
from tests.teams.activities import channel_conversation, channel_message, message
from tests.teams.conftest import TeamsHarness


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature


def _filled(card: dict[str, Any], data: dict[str, Any], **values: str) -> dict[str, Any]:
    """What Teams sends from a dialog: its data, every input's value, `values` typed."""
    inputs = {e["id"]: e.get("value") for e in card["body"] if "id" in e}
    return {**data, **inputs, **values}


async def _answer_dialog(teams: TeamsHarness, clock: FakeClock) -> dict[str, Any]:
    clock.current = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # Wednesday
    thread = channel_conversation()
    await teams.send(channel_message(teams.service_url, "standup setup Design"))
    card, data = await teams.open_offered_form(thread)
    await teams.submit_dialog(_filled(card, data), thread)
    await teams.send(message(teams.service_url, "standup design"))
    card, data = await teams.open_offered_form()
    return _filled(card, data, q0="Wireframes", q1="Tests", q2="None")


async def _stored(teams: TeamsHarness) -> list[str]:
    async with teams.bot.ctx.db.transaction() as session:
        return [a.day.isoformat() for a in (await session.exec(select(StandupAnswer))).all()]


def _other_token(data: dict[str, Any]) -> dict[str, Any]:
    token = data["alignbot_dialog"]
    return {**data, "alignbot_dialog": token[:-1] + ("A" if token[-1] != "A" else "B")}


def _no_seal(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "alignbot_seal"}


def _forged_form(data: dict[str, Any]) -> dict[str, Any]:
    """The old card shape, naming a form and its metadata outright: never read."""
    forged = {"alignbot_form": "standup.answer", "metadata": "1|2020-01-01|x"}
    return {**_no_seal(data), **forged, "alignbot_dialog": None}


@pytest.mark.parametrize("edit", [_other_token, _no_seal, _forged_form])
async def test_edited_card_data_is_refused_and_stores_nothing(
    teams: TeamsHarness, clock: FakeClock, edit: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    data = await _answer_dialog(teams, clock)
    assert "metadata" not in data  # the day lives on the server, not in the card
    assert "2026-11-25" not in json.dumps(data)
    refused = await teams.submit_dialog(edit(data))
    assert refused == {"type": "message", "value": dialogs.GONE}
    assert await _stored(teams) == []
    saved = await teams.submit_dialog(data)  # the untouched dialog still works
    assert "is saved" in json.dumps(saved, ensure_ascii=False)
    assert await _stored(teams) == ["2026-11-25"]
