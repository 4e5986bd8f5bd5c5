"""Card data through the real Teams endpoint: an edited form id or metadata changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.feature import Feature
from storage.models.standups import StandupAnswer
from tests.support.recording import FakeClock
from tests.teams.activities import card_submit, channel_conversation, channel_message, message
from tests.teams.conftest import TeamsHarness


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature


def _filled(teams: TeamsHarness, **values: str) -> dict[str, Any]:
    """What Teams sends for the last card form: its data, every input's value, `values` typed."""
    card = teams.connector.of_kind("reply")[-1].card
    inputs = {e["id"]: e.get("value") for e in card["body"] if "id" in e}
    return {**card["actions"][0]["data"], **inputs, **values}


async def _answer_card(teams: TeamsHarness, clock: FakeClock) -> dict[str, Any]:
    clock.current = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # Wednesday
    await teams.send(channel_message(teams.service_url, "standup setup Design"))
    setup = card_submit(
        teams.service_url, _filled(teams), card_id="form-1", conversation=channel_conversation()
    )
    await teams.send(setup)
    await teams.send(message(teams.service_url, "standup design"))
    return _filled(teams, q0="Wireframes", q1="Tests", q2="None")


async def _stored(teams: TeamsHarness) -> list[str]:
    async with teams.bot.ctx.db.transaction() as session:
        return [a.day.isoformat() for a in (await session.exec(select(StandupAnswer))).all()]


def _edit_day(data: dict[str, Any]) -> dict[str, Any]:
    edited = {**data, "metadata": data["metadata"].replace("2026-11-25", "2020-01-01")}
    spec = {**data["alignbot_spec"], "metadata": edited["metadata"]}
    return {**edited, "alignbot_spec": spec}


def _other_form(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "alignbot_form": "standup.setup"}


def _only_the_copy(data: dict[str, Any]) -> dict[str, Any]:
    spec = {**data["alignbot_spec"], "metadata": "1|2020-01-01|x"}
    return {**data, "alignbot_spec": spec}


def _no_seal(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "alignbot_seal"}


@pytest.mark.parametrize("edit", [_edit_day, _other_form, _only_the_copy, _no_seal])
async def test_edited_card_data_is_refused_and_stores_nothing(
    teams: TeamsHarness, clock: FakeClock, edit: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    data = await _answer_card(teams, clock)
    assert "2026-11-25" in data["metadata"]
    response = await teams.send(card_submit(teams.service_url, edit(data), card_id="form-2"))
    assert response.status in (200, 201)
    refusal = json.dumps(teams.connector.of_kind("reply")[-1].body)
    assert "expired" in refusal
    assert await _stored(teams) == []
    await teams.send(card_submit(teams.service_url, data, card_id="form-2"))
    assert await _stored(teams) == ["2026-11-25"]  # the untouched card still works
