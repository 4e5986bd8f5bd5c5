"""The endpoint's guarantees: signatures, retries, rate limits, acks."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import func
from sqlmodel import select

from storage.db import Database
from storage.models.core import Person
from storage.models.inbound import InboxItem
from tests.slack.harness import SlackHarness, sign
from tests.slack.probe import Seen


async def _count(db: Database, table: type) -> int:
    async with db.transaction() as session:
        return int((await session.exec(select(func.count()).select_from(table))).one())


async def test_url_verification_answers_the_challenge(slack: SlackHarness) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"})
    answer = await slack.send(body, "application/json")
    assert answer.status == 200
    assert "c-123" in answer.text


async def test_forged_signature_is_refused_and_touches_nothing(
    slack: SlackHarness, seen: Seen
) -> None:
    body = slack.command_body("/probe echo hi")
    answer = await slack.send(
        body, "application/x-www-form-urlencoded", signature=sign("wrong", int(time.time()), body)
    )
    await slack.settle()
    assert answer.status == 401
    assert slack.fake.calls == []
    assert slack.fake.responses == []
    assert seen.events == []
    assert await _count(slack.bot.ctx.db, Person) == 0


async def test_stale_timestamp_is_refused_even_when_correctly_signed(
    slack: SlackHarness, seen: Seen
) -> None:
    body = slack.command_body("/probe echo hi")
    answer = await slack.send(
        body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 6 * 60
    )
    await slack.settle()
    assert answer.status == 401
    assert slack.fake.calls == []
    assert seen.events == []
    assert await _count(slack.bot.ctx.db, Person) == 0


async def test_tampered_body_is_refused(slack: SlackHarness, seen: Seen) -> None:
    body = slack.command_body("/probe echo hi")
    ts = int(time.time())
    tampered = body.replace("echo+hi", "echo+pwned")
    answer = await slack.send(
        tampered,
        "application/x-www-form-urlencoded",
        timestamp=ts,
        signature=sign(slack.secret, ts, body),
    )
    assert answer.status == 401
    assert seen.events == []


async def test_retried_event_is_processed_once(slack: SlackHarness) -> None:
    event = {
        "type": "app_mention",
        "channel": "C1",
        "user": "U1",
        "text": "<@UBOT> probe shout hello",
        "ts": "1700000500.000100",
    }
    first = await slack.event(event, "Ev42")
    await slack.settle()
    retries = [await slack.event(event, "Ev42", retry=n) for n in (1, 2, 3)]
    await slack.settle()
    assert first.status == 200
    assert all(r.status == 200 for r in retries)
    assert len(slack.fake.called("chat.postMessage")) == 1
    assert await _count(slack.bot.ctx.db, InboxItem) == 1


async def test_concurrent_duplicate_deliveries_are_processed_once(slack: SlackHarness) -> None:
    import asyncio

    event = {
        "type": "app_mention",
        "channel": "C1",
        "user": "U1",
        "text": "<@UBOT> probe shout x",
        "ts": "1.2",
    }
    answers = await asyncio.gather(*(slack.event(event, "Ev7", retry=n or None) for n in range(4)))
    await slack.settle()
    assert [a.status for a in answers] == [200] * 4
    assert len(slack.fake.called("chat.postMessage")) == 1


async def test_rate_limit_storm_is_waited_out_and_delivered(slack: SlackHarness) -> None:
    slack.fake.rate_limit("chat.postMessage", times=2, retry_after=0)
    started = time.monotonic()
    answer = await slack.command("/probe shout storm")
    assert answer.status == 200
    assert time.monotonic() - started < 1.0, "the ack must not wait for Slack's rate limit"
    await slack.settle()
    attempts = slack.fake.attempts("chat.postMessage")
    assert [a.status for a in attempts] == [429, 429, 200]
    assert "storm" in json.dumps(attempts[-1].body["blocks"])


async def test_retry_after_is_honoured(slack: SlackHarness) -> None:
    slack.fake.rate_limit("chat.postMessage", times=1, retry_after=1)
    started = time.monotonic()
    await slack.command("/probe shout wait")
    await slack.settle()
    assert time.monotonic() - started >= 1.0
    assert len(slack.fake.called("chat.postMessage")) == 1


async def test_server_error_is_retried(slack: SlackHarness) -> None:
    slack.fake.server_error("chat.postMessage", times=1)
    await slack.command("/probe shout again")
    await slack.settle()
    assert [a.status for a in slack.fake.attempts("chat.postMessage")] == [500, 200]


async def test_rate_limited_response_url_is_retried(slack: SlackHarness) -> None:
    slack.fake.rate_limit("response:r1", times=1, retry_after=0)
    await slack.command("/probe echo patience")
    await slack.settle()
    assert len(slack.fake.responses) == 1
    assert "patience" in json.dumps(slack.fake.responses[0][1])


async def test_bug_in_a_feature_still_acks_and_apologises(slack: SlackHarness) -> None:
    answer = await slack.command("/probe boom")
    await slack.settle()
    assert answer.status == 200
    ((_, body),) = slack.fake.responses
    assert "Sorry, something went wrong" in body["text"]
    assert body["response_type"] == "ephemeral"


async def test_users_info_is_cached(slack: SlackHarness, seen: Seen) -> None:
    slack.fake.users["U9"] = {
        "id": "U9",
        "name": "grace",
        "real_name": "Grace Hopper",
        "tz": "America/New_York",
        "is_owner": True,
        "profile": {"display_name": ""},
    }
    for _ in range(3):
        await slack.command("/probe echo hi", user="U9")
    await slack.settle()
    assert len(slack.fake.called("users.info")) == 1
    actor = seen.events[-1].actor
    assert (actor.platform, actor.workspace_id, actor.user_id) == ("slack", "T1", "U9")
    assert actor.display_name == "Grace Hopper"
    assert actor.timezone == "America/New_York"
    assert actor.is_admin


async def test_users_info_failure_falls_back_to_the_payload_name(
    slack: SlackHarness, seen: Seen
) -> None:
    slack.fake.refuse("users.info", "user_not_found")
    answer = await slack.command("/probe echo hi", user="U5")
    await slack.settle()
    assert answer.status == 200
    assert seen.events[-1].actor.display_name == "u5"
    assert len(slack.fake.responses) == 1


async def test_unknown_event_types_are_acknowledged(slack: SlackHarness) -> None:
    answer = await slack.event({"type": "reaction_added", "user": "U1"}, "Ev9")
    assert answer.status == 200


async def test_form_encoded_garbage_gets_no_traceback(slack: SlackHarness) -> None:
    body = urlencode({"payload": "{not json"})
    answer = await slack.send(body, "application/x-www-form-urlencoded")
    assert answer.status == 400
    assert "Traceback" not in answer.text


async def test_unreadable_unsigned_body_is_refused(slack: SlackHarness) -> None:
    body = urlencode({"payload": "{not json"})
    answer = await slack.send(body, "application/x-www-form-urlencoded", signature="v0=00")
    assert answer.status == 401


async def test_old_event_claims_are_pruned(slack: SlackHarness) -> None:
    await slack.mention("probe echo hi", event_id="EvOld")
    await slack.settle()
    assert await slack.bot.inbox.prune() == 0
    later = datetime.now(UTC) + timedelta(days=2)
    await slack.mention("probe echo hi", event_id="EvNew")
    await slack.settle()
    async with slack.bot.ctx.db.transaction() as session:
        newer = await session.get(InboxItem, "slack:event:EvNew")
        assert newer is not None
        newer.received_at = later
    assert await slack.bot.inbox.prune(later) == 1
    assert await _count(slack.bot.ctx.db, InboxItem) == 1


async def test_dropped_connection_is_retried(slack: SlackHarness) -> None:
    slack.fake.disconnect("chat.postMessage", times=1)
    await slack.command("/probe shout dropped")
    await slack.settle()
    assert [a.status for a in slack.fake.attempts("chat.postMessage")] == [0, 200]
