"""Real `alignbot serve` processes stopped mid-burst: nothing acknowledged is lost.

A burst of signed button ballots (the single-choice menu of an open vote) and DMs goes to one
replica; once most are acknowledged it gets SIGTERM (a `docker stop`) or SIGKILL (a crash), then
a fresh process starts on the same database. Every acknowledged ballot must be stored and every
acknowledged DM answered exactly once. The fake Slack Web API answers `users.info` slowly, so
work is still in flight when the signal lands. Also: one interactive payload delivered to two
replicas sharing PostgreSQL at once is handled once.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
from aiohttp import ClientSession, web
from sqlmodel import select

from storage.db import Database
from storage.models.core import ProductTeam
from storage.models.inbound import InboxItem
from storage.models.votes import Ballot
from tests.replicas.processes import INBOX_LEASE_SECONDS, Replica, replicas
from tests.support import builders
from tests.support.databases import postgres_database_url
from tests.support.fake_slack import TEAM, FakeSlack
from tests.support.fake_slack import _parse as parse_call

BALLOTS = 175
DMS = 16
SIGNAL_AFTER = 152  # acknowledged ballots before the signal
LOOKUP_SECONDS = 0.4  # users.info latency: work stays in flight after its ack
POLL_TS = "1700000000.000100"


class SlowSlack(FakeSlack):
    """The fake Web API, with slow user lookups and a channel history that shows the bot's
    tagged posts (Slack message metadata), as `conversations.history` does."""

    lookup_seconds = LOOKUP_SECONDS

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "users.info":
            await asyncio.sleep(self.lookup_seconds)
        if method == "conversations.history":
            channel = (await parse_call(request)).get("channel")
            posts = [p for p in self.called("chat.postMessage") if p.get("channel") == channel]
            found = [
                {"type": "message", "ts": f"{1_700_000_000 + i}.000000", **post}
                for i, post in enumerate(posts)
            ]
            return web.json_response({"ok": True, "messages": found, "has_more": False})
        return await super()._api(request)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'alignbot.db'}"
        return
    async with postgres_database_url("alignbot_inbound") as url:
        yield url


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    fake = await SlowSlack().start()
    yield fake
    await fake.close()


async def _open_vote(url: str) -> int:
    """A single-choice vote open in #C1, its message posted at POLL_TS."""
    db = Database(url)
    await db.upgrade()
    now = datetime.now(UTC)
    async with db.transaction() as session:
        team = ProductTeam(workspace_id=TEAM, slug="default", name="Checkout", created_at=now)
        session.add(team)
        await session.flush()
        assert team.id is not None
        poll = builders.poll(
            team.id,
            workspace_id=TEAM,
            creator_id="U0",
            question="Which epic next?",
            items=["Search", "Checkout", "Onboarding"],
            message_id=POLL_TS,
            created_at=now,
        )
        session.add(poll)
        await session.flush()
        assert poll.id is not None
        poll_id = poll.id
    await db.dispose()
    return poll_id


async def _ballots(url: str, poll_id: int) -> set[str]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            rows = await session.exec(select(Ballot.voter_id).where(Ballot.poll_id == poll_id))
            return {str(voter) for voter in rows.all()}
    finally:
        await db.dispose()


def ballot_body(slack: FakeSlack, poll_id: int, voter: str, choice: int) -> str:
    option = {"text": {"type": "plain_text", "text": "x"}, "value": f"{poll_id}:{choice}"}
    payload = {
        "type": "block_actions",
        "user": {"id": voter, "username": voter.lower(), "name": voter.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "token": "legacy",
        "container": {"type": "message", "message_ts": POLL_TS, "channel_id": "C1"},
        "trigger_id": f"trigger-{voter}",
        "team": {"id": TEAM, "domain": "test"},
        "channel": {"id": "C1", "name": "general"},
        "message": {"type": "message", "ts": POLL_TS, "blocks": []},
        "response_url": slack.response_url(f"ballot-{voter}"),
        "actions": [
            {
                "action_id": "vote.pick",
                "block_id": "b1",
                "type": "static_select",
                "selected_option": option,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def dm_body(n: int) -> str:
    user = f"UDM{n:03d}"
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": f"D{user}",
        "user": user,
        "text": f"dm-{n:03d}",  # unknown command: the answer names it back
        "ts": f"1700001{n:03d}.000100",
    }
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": f"EvDM{n:03d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
        }
    )


def dm_answers(slack: FakeSlack) -> dict[str, int]:
    """How often each DM was answered, by the command name it echoes back."""
    counts: dict[str, int] = {}
    for post in slack.called("chat.postMessage"):
        if str(post.get("channel", "")).startswith("DUDM"):
            name = str(post["channel"]).removeprefix("DUDM")
            counts[name] = counts.get(name, 0) + 1
    return counts


async def _burst(
    replica: Replica, slack: FakeSlack, poll_id: int, stop: signal.Signals
) -> tuple[set[str], set[str]]:
    """Sends every ballot and DM; signals the replica once SIGNAL_AFTER ballots are acked.
    Returns the acknowledged voters and DMs."""
    acked_voters: set[str] = set()
    acked_dms: set[str] = set()
    signalled = asyncio.Event()
    gate = asyncio.Semaphore(24)

    async def ballot(session: ClientSession, n: int) -> None:
        voter = f"UV{n:03d}"
        async with gate:
            if signalled.is_set():
                return
            status = await replica.post(session, ballot_body(slack, poll_id, voter, n % 3), FORM)
        if status == 200:
            acked_voters.add(voter)
            if len(acked_voters) >= SIGNAL_AFTER and not signalled.is_set():
                signalled.set()
                replica.process.send_signal(stop)

    async def dm(session: ClientSession, n: int) -> None:
        async with gate:
            if signalled.is_set():
                return
            status = await replica.post(session, dm_body(n), "application/json")
        if status == 200:
            acked_dms.add(f"{n:03d}")

    async with ClientSession() as session:
        work = [ballot(session, n) for n in range(BALLOTS)]
        for n in range(DMS):  # DMs spread through the burst
            work.insert(n * (SIGNAL_AFTER // DMS), dm(session, n))
        await asyncio.gather(*work)
    assert signalled.is_set(), "the burst ended before the signal"
    return acked_voters, acked_dms


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
async def test_nothing_acknowledged_is_lost_when_a_replica_stops(
    database_url: str, slack: FakeSlack, tmp_path: Path, stop: signal.Signals
) -> None:
    poll_id = await _open_vote(database_url)
    log = tmp_path / "replica.log"
    with replicas() as running:
        async with ClientSession() as session:
            first = Replica(database_url, slack, log)
            running.append(first)
            await first.ready(session)
            voters, dms = await _burst(first, slack, poll_id, stop)
            first.process.wait(timeout=30)
            stored_at_stop = await _ballots(database_url, poll_id)
            second = Replica(database_url, slack, log)
            running.append(second)
            await second.ready(session)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                stored = await _ballots(database_url, poll_id)
                if voters <= stored and dms <= dm_answers(slack).keys():
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(2 * INBOX_LEASE_SECONDS)  # a few more sweeps: nothing runs twice
    stored = await _ballots(database_url, poll_id)
    answers = dm_answers(slack)
    report = (
        f"{stop.name}: {len(voters)} ballots acked, {len(stored_at_stop)} stored at the stop, "
        f"{len(voters - stored)} lost; {len(dms)} DMs acked, "
        f"{len(dms - answers.keys())} unanswered, "
        f"{sum(1 for n in dms if answers.get(n, 0) > 1)} answered twice"
    )
    print(report)
    assert len(voters) >= 150, report
    assert voters - stored == set(), report + "\n" + log.read_text()[-4000:]
    assert {n: answers.get(n, 0) for n in dms} == dict.fromkeys(dms, 1), report
    assert stored_at_stop != voters or stop is signal.SIGTERM, "nothing was in flight"


@pytest.mark.postgres
async def test_one_payload_delivered_to_two_replicas_is_handled_once(
    slack: FakeSlack, tmp_path: Path
) -> None:
    async with postgres_database_url("alignbot_inbound") as url:
        poll_id = await _open_vote(url)
        with replicas() as running:
            running += [Replica(url, slack, tmp_path / f"r{i}.log") for i in range(2)]
            async with ClientSession() as session:
                for replica in running:
                    await replica.ready(session)
                bodies = [ballot_body(slack, poll_id, f"UTWICE{n}", 1) for n in range(5)]
                statuses = await asyncio.gather(
                    *(r.post(session, body, FORM) for body in bodies for r in running)
                )
                assert statuses == [200] * 10
                await slack.until(lambda: len(slack.responses) >= len(bodies))
                await asyncio.sleep(2 * INBOX_LEASE_SECONDS)  # a late second answer would show now
        stored = await _ballots(url, poll_id)
        handled = await _inbox_attempts(url)
    confirmations = sorted(name for name, _ in slack.responses)
    assert confirmations == sorted(f"ballot-UTWICE{n}" for n in range(5))  # once each
    assert stored == {f"UTWICE{n}" for n in range(5)}
    assert handled == [1] * 5  # one row per payload, taken once


async def _inbox_attempts(url: str) -> list[int]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            rows = await session.exec(select(InboxItem).where(InboxItem.done_at != None))  # noqa: E711
            return [row.attempts for row in rows.all()]
    finally:
        await db.dispose()


async def test_sigterm_refuses_new_work_at_once_and_drains_what_was_acked(
    slack: SlowSlack, tmp_path: Path
) -> None:
    slack.lookup_seconds = 2.0  # the acknowledged DM is still being answered at the signal
    url = f"sqlite+aiosqlite:///{tmp_path / 'alignbot.db'}"
    log = tmp_path / "replica.log"
    with replicas() as running:
        replica = Replica(url, slack, log, grace=15)
        running.append(replica)
        async with ClientSession() as session:
            await replica.ready(session)
            assert await replica.post(session, dm_body(1), "application/json") == 200
            replica.process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.3)
            async with session.get(f"{replica.url}/healthz") as health:
                assert health.status == 503
            assert await replica.post(session, dm_body(2), "application/json") == 503
            assert await asyncio.to_thread(replica.process.wait, 20) == 0
    assert dm_answers(slack) == {"001": 1}, log.read_text()[-3000:]
    assert "left for a restart" not in log.read_text()
