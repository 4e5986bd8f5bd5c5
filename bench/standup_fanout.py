"""Stand-up prompt fan-out: one tick sends every member's 09:30 prompt.

All members share one zone, so every prompt falls due on the same tick (the worst case). The
tick runs for real: due items from SQLite, an exactly-once claim per prompt, the DM rendered to
Block Kit and sent through the real Slack messenger (slack_sdk, `conversations.open` then
`chat.postMessage`) to the fake Slack Web API on 127.0.0.1, with and without 429 bursts that
slack_sdk waits out (`Retry-After: 1`). A run through the core alone (recording messenger)
separates our own cost from HTTP. Client, fake server and database share one event loop.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import ClientSession

from adapters.slack.messenger import PLATFORM, SlackMessenger, SlackWebApi, web_client
from bench import Result
from bench._fakes.recording import FakeClock, RecordingMessenger
from bench._fakes.slack import FakeSlack
from bot import deliveries
from bot.context import Context
from bot.features.standups import jobs
from bot.features.standups.questions import DEFAULT_QUESTIONS
from bot.metrics import Metrics
from bot.ports import Messenger, MessengerHub
from bot.settings import Settings
from storage.db import Database
from storage.models.core import Person
from storage.models.standups import StandupTeam
from storage.repositories import standups as repo
from storage.upsert import insert_for

NAME = "standup_fanout"
WORKSPACE = "T1"
DUE = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # 09:30 in Berlin
RETRY_AFTER_SECONDS = 1
MAX_TICKS = 30


@asynccontextmanager
async def _team_of(members: int, directory: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{directory}/fanout.db")
    await db.upgrade()
    user_ids = [f"U{n:05d}" for n in range(members)]
    async with db.transaction() as session:
        await session.exec(insert_for(session, Person).values([_person(u) for u in user_ids]))
        team = StandupTeam(
            workspace_id=WORKSPACE,
            platform=PLATFORM,
            slug="everyone",
            name="Everyone",
            channel_id="C1",
            questions=repo.questions_column(DEFAULT_QUESTIONS),
            weekdays="1,2,3,4,5",
            prompt_time="09:30",
            summary_time="16:00",
            timezone="Europe/Berlin",
            reminder_minutes=60,
            style="threaded",
            created_by=user_ids[0],
            created_at=DUE,
            updated_at=DUE,
        )
        await repo.save_team(session, team, user_ids, DUE)
    try:
        yield db
    finally:
        await db.dispose()


def _person(user_id: str) -> dict[str, object]:
    return {
        "workspace_id": WORKSPACE,
        "platform": PLATFORM,
        "user_id": user_id,
        "display_name": user_id,
        "timezone": "Europe/Berlin",
        "last_seen_at": DUE,
    }


@dataclass(frozen=True)
class Run:
    first_tick: float  # seconds
    first_tick_sent: int
    ticks: int  # one a minute, until every member had their prompt
    total: float


async def _ticks(db: Database, messenger: Messenger, sent: Callable[[], int], members: int) -> Run:
    """Ticks a (fake) minute apart until every member has been prompted, as the scheduler
    would; DMs that failed on one tick are retried by the next."""
    hub = MessengerHub()
    hub.connect(PLATFORM, messenger)
    clock = FakeClock(DUE)
    ctx = Context(db=db, messenger=hub, clock=clock, settings=Settings(_env_file=None))
    started = time.perf_counter()
    await jobs.tick(ctx)
    first, first_sent, ticks = time.perf_counter() - started, sent(), 1
    while sent() < members and ticks < MAX_TICKS:
        clock.advance(minutes=1)
        await jobs.tick(ctx)
        ticks += 1
    assert sent() == members, f"{sent()} of {members} members prompted after {ticks} ticks"
    return Run(first, first_sent, ticks, time.perf_counter() - started)


async def _core_only(members: int) -> Run:
    with tempfile.TemporaryDirectory() as scratch:
        async with _team_of(members, Path(scratch)) as db:
            recorder = RecordingMessenger(platform=PLATFORM)
            run = await _ticks(db, recorder, lambda: len(recorder.posts), members)
            assert len(recorder.posts) == members, "every member gets exactly one prompt"
            return run


async def _through_slack(members: int, rate_limits: int) -> Run:
    fake = await FakeSlack().start()
    try:
        fake.rate_limit("chat.postMessage", times=rate_limits, retry_after=RETRY_AFTER_SECONDS)
        with tempfile.TemporaryDirectory() as scratch:
            async with _team_of(members, Path(scratch)) as db:
                client = web_client("xoxb-bench", fake.api_url, Metrics())
                client.session = ClientSession()  # as the Slack adapter does when it starts
                try:
                    messenger = SlackMessenger(SlackWebApi(client, Metrics()))
                    run = await _ticks(
                        db, messenger, lambda: len(fake.called("chat.postMessage")), members
                    )
                finally:
                    await client.session.close()
        delivered = fake.called("chat.postMessage")
        assert len(delivered) == members, f"{len(delivered)} prompts for {members} members"
        assert len({body["channel"] for body in delivered}) == members, "one DM per member"
        return run
    finally:
        await fake.close()


def _rows(label: str, members: int, run: Run) -> list[Result]:
    rows = [
        Result(NAME, f"{label}: first tick", f"{run.first_tick:.2f} s"),
        Result(
            NAME, f"{label}: prompted in the first tick", f"{run.first_tick_sent:,}/{members:,}"
        ),
        Result(NAME, f"{label}: throughput", f"{run.first_tick_sent / run.first_tick:,.0f} DMs/s"),
    ]
    if run.ticks > 1:
        rows.append(
            Result(
                NAME,
                f"{label}: everyone prompted after",
                f"{run.ticks} ticks (1/min), {run.total:.2f} s of work",
            )
        )
    return rows


async def measure(quick: bool) -> list[Result]:
    members = 100 if quick else 5_000
    bursts = 10 if quick else 250
    results = _rows("core only (recording messenger)", members, await _core_only(members))
    results += _rows("fake Slack API", members, await _through_slack(members, 0))
    results += _rows(
        f"fake Slack API, {bursts} x 429 (Retry-After {RETRY_AFTER_SECONDS}s)",
        members,
        await _through_slack(members, bursts),
    )
    results.append(Result(NAME, "DMs in flight at once", str(deliveries.CONCURRENCY)))
    return results
