"""Issue 16's blocker part through Microsoft Teams: activities in, the fake connector out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.feature import Feature
from bot.features.standups import jobs
from tests.support.fake_connector import Call
from tests.support.recording import FakeClock
from tests.teams.activities import (
    ADA,
    BOB,
    TENANT,
    card_submit,
    channel_conversation,
    channel_message,
    message,
    task_fetch,
    task_submit,
)
from tests.teams.conftest import TeamsHarness

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
BLOCKED = "Waiting on the pricing & packaging call"
FAY = {"id": "29:fay", "name": "Fay Stakeholder", "aadObjectId": "aad-fay"}
OTHERS = [
    {"id": f"29:{n}", "name": n.title(), "aadObjectId": f"aad-{n}"} for n in ("cy", "di", "ed")
]


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature


def _personal(person: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"a:1personal-{person['aadObjectId']}",
        "conversationType": "personal",
        "tenantId": TENANT,
    }


def _text(call: Call) -> str:
    return json.dumps(call.card, ensure_ascii=False)


def _button(card: dict[str, Any], action_id: str) -> dict[str, Any]:
    """The data a card button with our `action_id` sends, wherever it sits in the card."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if action_id in json.dumps(node.get("data", {})):
                found.append(node["data"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    assert found, f"no {action_id} in {card}"
    return found[0]


async def _answer(teams: TeamsHarness, person: dict[str, Any], blocker: str) -> None:
    where = _personal(person)
    await teams.send(message(teams.service_url, "standup", sender=person, conversation=where))
    offered = [c for c in teams.connector.calls if c.kind in ("reply", "post")][-1]
    [button] = offered.card["actions"]
    fetched = await teams.send(
        task_fetch(teams.service_url, button["data"], conversation=where, sender=person)
    )
    card = (await fetched.json())["task"]["value"]["card"]["content"]
    data = card["actions"][0]["data"]
    inputs = {e["id"]: e.get("value") for e in card["body"] if "id" in e}
    values = {**data, **inputs, "q0": "Wireframes", "q1": "Tests", "q2": blocker}
    response = await teams.send(
        task_submit(teams.service_url, values, conversation=where, sender=person)
    )
    assert response.status == 200


async def test_a_stuck_blocker_escalates_once_and_is_resolved_through_teams(
    teams: TeamsHarness, clock: FakeClock
) -> None:
    clock.current = MONDAY
    for person in (FAY, BOB, *OTHERS):  # each has talked to the bot, so it can DM them
        await teams.send(
            message(teams.service_url, "help", sender=person, conversation=_personal(person))
        )
    await teams.send(
        channel_message(
            teams.service_url, "role assign <at>Fay Stakeholder</at> Stakeholder", mentions=[FAY]
        )
    )
    await teams.send(channel_message(teams.service_url, "standup setup Design"))
    thread = channel_conversation()
    card, data = await teams.open_offered_form(thread)
    inputs = {e["id"]: e.get("value") for e in card["body"] if "id" in e}
    members = ",".join(p["aadObjectId"] for p in (ADA, BOB, *OTHERS))
    values = {**data, **inputs, "members": members, "summary_time": "16:00"}
    assert "created" in json.dumps(await teams.submit_dialog(values, thread))

    for day in range(3):
        clock.current = MONDAY + timedelta(days=day, hours=2)
        await _answer(teams, BOB, BLOCKED)
        clock.current = MONDAY + timedelta(days=day, hours=8)
        await jobs.tick(teams.bot.ctx)
    fay_dms = [
        c
        for c in teams.connector.calls
        if c.conversation_id == _personal(FAY)["id"] and "Accountable for" in _text(c)
    ]
    assert len(fay_dms) == 1
    dm = fay_dms[0]
    cards = [c for c in teams.connector.calls if c.kind in ("post", "reply", "update")]
    summaries = [c for c in cards if "Stand-up · Design" in _text(c)]
    assert "1 of 5 answered" in _text(summaries[-1])  # the team of five
    assert "escalated to" in _text(summaries[-1])

    resolved = _button(dm.card, "standup.escalation.resolved")
    await teams.send(
        card_submit(
            teams.service_url, resolved, card_id="x", conversation=_personal(BOB), sender=BOB
        )
    )
    assert "Only the Accountable person" in _text(teams.connector.calls[-1])
    clock.current = MONDAY + timedelta(days=3, hours=8)
    await teams.send(
        card_submit(
            teams.service_url, resolved, card_id="x", conversation=_personal(FAY), sender=FAY
        )
    )
    assert "after 1.0 days" in " ".join(_text(c) for c in teams.connector.calls[-3:])

    await teams.send(channel_message(teams.service_url, "digest preview"))
    assert "Pricing & packaging: 1 blocker escalated, 1 resolved" in _text(
        teams.connector.calls[-1]
    )
