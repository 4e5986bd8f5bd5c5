"""Issue 16's "Done when" through Microsoft Teams: activities and dialog invokes into
/api/messages, the fake connector out, a fake clock moved by hand over one week
(tests/support/decision_loop.py). It must leave the same records as the Slack run."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.feature import Feature
from bot.features import votes
from bot.features.standups import jobs
from storage.db import Database
from tests.support import decision_loop as week
from tests.support.fake_connector import Call
from tests.support.recording import FakeClock
from tests.teams.activities import (
    ADA,
    TENANT,
    card_submit,
    channel_conversation,
    channel_message,
    message,
    task_fetch,
    task_submit,
)
from tests.teams.conftest import TeamsHarness

PEOPLE = {
    persona: {"id": f"29:{persona}", "name": persona.title(), "aadObjectId": f"aad-{persona}"}
    for persona in week.ROLES
}
PERSONAS = {person["aadObjectId"]: persona for persona, person in PEOPLE.items()}


@pytest.fixture
def sqlite_db(database: Database) -> Database:
    """The harness takes `sqlite_db`; here it is `database`, so the week runs on SQLite and
    on PostgreSQL."""
    return database


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature


def _personal(persona: str) -> dict[str, Any]:
    return {
        "id": f"a:1personal-{PEOPLE[persona]['aadObjectId']}",
        "conversationType": "personal",
        "tenantId": TENANT,
    }


def _text(call: Call) -> str:
    return json.dumps(call.card, ensure_ascii=False)


def _dms_to(teams: TeamsHarness, persona: str) -> list[Call]:
    return [
        c
        for c in teams.connector.calls
        if c.conversation_id == _personal(persona)["id"] and c.kind in ("post", "reply")
    ]


def _data(card: dict[str, Any], action_id: str) -> dict[str, Any]:
    """The data a card action with our `action_id` sends, wherever it sits in the card."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and data.get("alignbot_action") == action_id:
                found.append(data)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    assert found, f"no {action_id} in {card}"
    return found[0]


def _vote_card(teams: TeamsHarness, poll_id: int) -> dict[str, Any]:
    """The vote's card as the channel shows it now: its last post or update."""
    shown = [
        c
        for c in teams.connector.calls
        if c.kind in ("post", "update") and f"Vote {poll_id}: " in _text(c)
    ]
    card: dict[str, Any] = shown[-1].card
    return card


async def _task(teams: TeamsHarness, activity: dict[str, Any]) -> dict[str, Any]:
    response = await teams.session.post(f"{teams.url}/api/messages", json=activity)
    assert response.status == 200
    task: dict[str, Any] = (await response.json())["task"]
    return task


async def _fill(
    teams: TeamsHarness, task: dict[str, Any], values: dict[str, Any], persona: str
) -> dict[str, Any]:
    """Fills every page of a dialog (Next, …, submit) as `persona`; the last answer."""
    thread = channel_conversation()
    while True:
        assert task["type"] == "continue", task
        card = task["value"]["card"]["content"]
        inputs = {e["id"]: e.get("value") for e in card["body"] if "id" in e}
        data = {**card["actions"][0]["data"], **inputs}
        data.update({k: v for k, v in values.items() if k in inputs})
        answer = await _task(
            teams,
            task_submit(teams.service_url, data, conversation=thread, sender=PEOPLE[persona]),
        )
        if "alignbot_step" not in data:
            return answer
        task = answer


async def _say(teams: TeamsHarness, text: str, persona: str | None = None) -> None:
    sender = PEOPLE[persona] if persona else ADA
    await teams.send(channel_message(teams.service_url, text, sender=sender))


async def _stand_up(teams: TeamsHarness, persona: str, blocker: str) -> None:
    where, person = _personal(persona), PEOPLE[persona]
    await teams.send(message(teams.service_url, "standup", sender=person, conversation=where))
    offered = [c for c in teams.connector.calls if c.kind in ("reply", "post")][-1]
    [button] = offered.card["actions"]
    task = await _task(
        teams, task_fetch(teams.service_url, button["data"], conversation=where, sender=person)
    )
    card = task["value"]["card"]["content"]
    values = {
        **card["actions"][0]["data"],
        **{e["id"]: e.get("value") for e in card["body"] if "id" in e},
        "q0": "Pricing page copy",
        "q1": "Tier table",
        "q2": blocker,
    }
    await _task(teams, task_submit(teams.service_url, values, conversation=where, sender=person))


async def _press(teams: TeamsHarness, data: dict[str, Any], persona: str) -> None:
    await teams.send(
        card_submit(
            teams.service_url,
            data,
            card_id="x",
            conversation=_personal(persona),
            sender=PEOPLE[persona],
        )
    )


async def _tick(teams: TeamsHarness, name: str) -> None:
    await next(t for t in votes.FEATURE.ticks if t.name == name).run(teams.bot.ctx)


async def test_a_week_of_one_decision_through_teams(teams: TeamsHarness, clock: FakeClock) -> None:
    clock.current = week.MONDAY
    for persona, person in PEOPLE.items():  # each has talked to the bot, so it can DM them
        await teams.send(
            message(teams.service_url, "help", sender=person, conversation=_personal(persona))
        )
        await _say_role(teams, persona)
    await _say(teams, "standup setup Design")
    card, data = await teams.open_offered_form(channel_conversation())
    inputs = {e["id"]: e.get("value") for e in card["body"] if "id" in e}
    members = ",".join(p["aadObjectId"] for p in PEOPLE.values())
    values = {**data, **inputs, "members": members, "summary_time": "16:00"}
    assert "created" in json.dumps(await teams.submit_dialog(values, channel_conversation()))

    # Ana opens the weekly vote; the dialog found the decision from the message.
    await _say(teams, f'vote new {week.QUESTION} for "{week.DECISION}"', "ana")
    launcher = teams.connector.of_kind("reply")[-1].card
    task = await _task(
        teams,
        task_fetch(
            teams.service_url,
            launcher["actions"][0]["data"],
            conversation=channel_conversation(),
            sender=PEOPLE["ana"],
        ),
    )
    assert "pricing & packaging" in json.dumps(task, ensure_ascii=False)
    created = await _fill(teams, task, week.NEW_VOTE, "ana")
    assert "Vote 1 is open in the channel" in json.dumps(created, ensure_ascii=False)
    live = _vote_card(teams, 1)
    add = _data(live, "vote.add")
    assert add["msteams"] == {"type": "task/fetch"}  # the button opens a dialog

    # Dee adds an option from the vote's card; everyone sees it there.
    thread = channel_conversation()
    task = await _task(
        teams, task_fetch(teams.service_url, add, conversation=thread, sender=PEOPLE["dee"])
    )
    added = await _fill(teams, task, {"option": f"  {week.ADDED} "}, "dee")
    assert f"Added “{week.ADDED}” to vote 1" in json.dumps(added, ensure_ascii=False)
    task = await _task(
        teams, task_fetch(teams.service_url, add, conversation=thread, sender=PEOPLE["dee"])
    )
    again = await _fill(teams, task, {"option": week.ADDED.upper()}, "dee")
    assert "already on vote 1" in json.dumps(again, ensure_ascii=False)
    live = _vote_card(teams, 1)
    assert f"4. {week.ADDED}" in json.dumps(live, ensure_ascii=False)
    assert "Added by voters" in json.dumps(live, ensure_ascii=False)
    choose = _data(live, "vote.pick")
    for persona, item in week.PICKS.items():
        index = [*week.ITEMS, week.ADDED].index(item)
        picked = {**choose, choose["alignbot_select"]: f"1:{index}"}
        await teams.send(
            card_submit(
                teams.service_url, picked, card_id="x", conversation=thread, sender=PEOPLE[persona]
            )
        )

    for day in range(3):
        answer_at, summary_at = week.stand_up_day(day)
        if day == 2:  # Wednesday: the vote's deadline passes first
            clock.current = week.VOTE_CLOSES
            await _tick(teams, "close_due")
            await _tick(teams, "close_due")  # another replica's tick: closes nothing twice
            (asked,) = [c for c in _dms_to(teams, "sam") if "Decision needed" in _text(c)]
            ratify = _data(asked.card, "decision.ratify")
            clock.current = week.RATIFIED_AT
            await _press(teams, ratify, "ben")
            assert "Only the Stakeholder" in _text(teams.connector.calls[-1])
            await _press(teams, ratify, "sam")
            await _press(teams, ratify, "sam")
            assert "already ratified" in _text(teams.connector.calls[-1])
        clock.current = answer_at
        await _stand_up(teams, "ana", week.BLOCKED)
        clock.current = summary_at
        await jobs.tick(teams.bot.ctx)

    in_channel = [
        c
        for c in teams.connector.calls
        if c.kind in ("post", "reply") and c.conversation_id.startswith("19:")
    ]
    final = [c for c in in_channel if "Final result of vote 1" in _text(c)]
    assert len(final) == 1
    assert week.ADDED in _text(final[0])
    (record,) = [c for c in in_channel if "Decision record" in _text(c)]
    assert week.ADDED in _text(record)
    for informed in ("dee", "ben"):
        (told,) = [c for c in _dms_to(teams, informed) if "For your information" in _text(c)]
        assert "was ratified by" in _text(told)
    for not_informed in ("ana", "cy"):
        assert [c for c in _dms_to(teams, not_informed) if "For your information" in _text(c)] == []

    (escalated,) = [c for c in _dms_to(teams, "sam") if "standup.escalation" in _text(c)]
    clock.current = week.RESOLVED_AT
    await _press(teams, _data(escalated.card, "standup.escalation.resolved"), "sam")
    assert "after 1.0 days" in " ".join(_text(c) for c in teams.connector.calls[-3:])

    clock.current = week.DIGEST_AT
    await _say(teams, "digest preview", "ana")
    digest = _text(teams.connector.calls[-1])
    assert "Pricing & packaging ratified by" in digest
    assert f": {week.ADDED}" in digest
    assert "Pricing & packaging: 1 blocker escalated, 1 resolved" in digest
    assert "median 1.0 days to resolve" in digest

    clock.current = week.NEXT_MONDAY + timedelta(minutes=1)
    await _tick(teams, "open_rounds")
    await _tick(teams, "open_rounds")
    _data(_vote_card(teams, 2), "vote.add")

    assert await week.outcome(teams.bot.ctx.db, PERSONAS) == week.EXPECTED


async def _say_role(teams: TeamsHarness, persona: str) -> None:
    """The admin gives `persona` their role, @mentioning them as Teams does."""
    person = PEOPLE[persona]
    await teams.send(
        channel_message(
            teams.service_url,
            f"role assign <at>{person['name']}</at> {week.ROLES[persona]}",
            mentions=[person],
        )
    )
