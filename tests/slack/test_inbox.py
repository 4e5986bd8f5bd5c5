"""The durable inbox behind the Slack endpoint: stored before the ack, handled once, resumed.

A replay is the same signed bytes sent again (Slack's retries, or anyone inside the signature
window); "another replica" is a second inbox owner on the same database.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qsl

from sqlmodel import select

from adapters.slack.delivery import SlackRoutes
from bot.inbox import Inbox
from storage.models.inbound import InboxItem
from tests.slack.harness import SlackHarness, initial_values
from tests.slack.probe import Seen


async def _rows(slack: SlackHarness) -> list[InboxItem]:
    async with slack.bot.ctx.db.transaction() as session:
        return list((await session.exec(select(InboxItem))).all())


def _kinds(seen: Seen) -> list[str]:
    return [type(event).__name__ for event in seen.events]


async def test_a_replayed_button_payload_is_handled_once(slack: SlackHarness, seen: Seen) -> None:
    await slack.command("/probe shout hi")
    await slack.settle()
    post = slack.fake.called("chat.postMessage")[-1]
    assert (await slack.click(post, "probe.count::2")).status == 200
    replays = await slack.replay(2)
    await slack.settle()
    assert [r.status for r in replays] == [200, 200]
    assert _kinds(seen).count("Action") == 1
    assert len(slack.fake.called("chat.update")) == 1


async def test_a_replayed_form_submission_writes_once(slack: SlackHarness, seen: Seen) -> None:
    await slack.command("/probe form")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    values = initial_values(opened["view"]) | {"title": "Roadmap"}
    assert (await slack.submit(opened["view"], values)).status == 200
    replays = await slack.replay(2)
    await slack.settle()
    assert [r.status for r in replays] == [200, 200]
    assert _kinds(seen).count("Submission") == 1


async def test_stored_before_the_ack_and_done_after_the_answer(slack: SlackHarness) -> None:
    answer = await slack.dm("probe echo hi", event_id="EvStored")
    assert answer.status == 200
    rows = {row.key: row for row in await _rows(slack)}
    stored = rows["slack:event:EvStored"]
    assert stored.payload is not None
    assert json.loads(stored.payload)["event_id"] == "EvStored"
    await slack.settle()
    rows = {row.key: row for row in await _rows(slack)}
    assert rows["slack:event:EvStored"].done_at is not None
    assert len(slack.fake.called("chat.postMessage")) == 1


def _dm_event(text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": "DU1",
        "user": "U1",
        "text": text,
        "ts": "1700000999.000100",
    }


async def test_a_redelivery_whose_first_attempt_died_is_answered(slack: SlackHarness) -> None:
    """Another replica stored the DM and died; Slack's retry reaches us after its lease."""
    dead = Inbox(slack.bot.ctx.db, lease_seconds=0.01)
    body = json.loads(slack.event_body(_dm_event("probe echo again"), "EvDied"))
    assert await dead.admit("slack:event:EvDied", "slack", "event", body) is not None
    await asyncio.sleep(0.05)
    await slack.event(_dm_event("probe echo again"), "EvDied", retry=1)
    await slack.settle()
    (post,) = slack.fake.called("chat.postMessage")
    assert "again" in post["text"]


async def test_a_redelivery_while_the_first_is_in_hand_is_dropped(slack: SlackHarness) -> None:
    alive = Inbox(slack.bot.ctx.db, lease_seconds=60)
    body = json.loads(slack.event_body(_dm_event("probe echo held"), "EvHeld"))
    assert await alive.admit("slack:event:EvHeld", "slack", "event", body) is not None
    await slack.event(_dm_event("probe echo held"), "EvHeld", retry=1)
    await slack.settle()
    assert slack.fake.called("chat.postMessage") == []


async def test_work_a_dead_replica_left_is_resumed_on_recovery(slack: SlackHarness) -> None:
    dead = Inbox(slack.bot.ctx.db, lease_seconds=0.01)
    body = dict(parse_qsl(slack.command_body("/probe echo left behind")))
    assert await dead.admit(f"slack:command:{body['trigger_id']}", "slack", "command", body)
    await asyncio.sleep(0.05)
    assert await slack.bot.inbox.recover() == 1
    await slack.settle()
    ((_, answer),) = slack.fake.responses
    assert "left behind" in answer["text"]
    assert await slack.bot.inbox.recover() == 0  # finished: never answered twice
    assert all(row.done_at is not None for row in await _rows(slack))


async def test_an_offered_form_opens_on_another_replica(slack: SlackHarness) -> None:
    await slack.dm("probe form")
    await slack.settle()
    (post,) = slack.fake.called("chat.postMessage")
    token = next(
        element["value"]
        for block in post["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == "alignbot.slack.open_form"
    )
    elsewhere = SlackRoutes(slack.adapter.web_api, slack.bot.ctx.db, slack.bot.ctx.clock)
    view = await elsewhere.take_pending(token)
    assert view is not None
    assert view["callback_id"] == "probe.form"
    assert await elsewhere.take_pending(token) is None
