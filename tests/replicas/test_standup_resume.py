"""A stand-up's prompt fan-out to 80 members, its `alignbot serve` killed half-way.

The team's prompt time has just passed, so the stand-up tick (which also runs at start) queues
one delivery row per member and starts posting DMs. The fake Slack answers the first 40 posts,
then keeps the next ones (Slack posted them) but never answers: the process dies (SIGKILL)
with those DMs made and unrecorded. After a restart every member must have been prompted
exactly once: the lost answers are found again through the delivery key in the DMs' message
metadata, and the rest are posted. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from bot.features.standups.questions import DEFAULT_QUESTIONS
from storage.db import Database
from storage.models.core import Person
from storage.models.deliveries import Delivery
from storage.models.standups import StandupPrompt
from storage.repositories import standups as repo
from tests.replicas.processes import free_port
from tests.support.builders import standup_team
from tests.support.databases import postgres_database_url
from tests.support.fake_slack import TEAM, FakeSlack

MEMBERS = [f"U{n:03d}" for n in range(1, 81)]
ANSWERED_BEFORE_KILL = 40
LEASE_SECONDS = 3
WAIT_SECONDS = 60


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'alignbot.db'}"
        return
    async with postgres_database_url("alignbot_standup") as url:
        yield url


async def _team_due_now(db: Database) -> None:
    """Everyone in UTC, prompted daily at a time ten minutes ago; no reminder, and the
    summary hours away."""
    now = datetime.now(UTC)
    async with db.transaction() as session:
        session.add_all(
            Person(
                workspace_id=TEAM,
                platform="slack",
                user_id=user_id,
                display_name=user_id,
                timezone="UTC",
                last_seen_at=now,
            )
            for user_id in MEMBERS
        )
        team = standup_team(
            workspace_id=TEAM,
            platform="slack",
            slug="everyone",
            questions=repo.questions_column(DEFAULT_QUESTIONS),
            weekdays="1,2,3,4,5,6,7",
            prompt_time=f"{now - timedelta(minutes=10):%H:%M}",
            summary_time=f"{now + timedelta(hours=6):%H:%M}",
            timezone="UTC",
            reminder_minutes=0,
            created_by=MEMBERS[0],
            created_at=now,
        )
        await repo.save_team(session, team, MEMBERS, now)


def _serve(url: str, fake: FakeSlack, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ALIGNBOT_DATABASE_URL": url,
        "ALIGNBOT_HOST": "127.0.0.1",
        "ALIGNBOT_PORT": str(free_port()),
        "ALIGNBOT_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "ALIGNBOT_LOG_LEVEL": "INFO",
        "SLACK_BOT_TOKEN": "xoxb-standup-test",
        "SLACK_SIGNING_SECRET": "standup-resume-secret",
        "SLACK_API_URL": fake.api_url,
    }
    for name in ("SLACK_APP_TOKEN", "MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD"):
        env.pop(name, None)
    return subprocess.Popen(
        [sys.executable, "-c", "from adapters.cli import main; main()", "serve"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


async def _recorded(db: Database) -> int:
    """Deliveries whose post is recorded with its message id."""
    async with db.transaction() as session:
        statement = select(func.count()).where(col(Delivery.delivered_at).is_not(None))
        return int((await session.exec(statement)).one())


async def _prompts_sent(db: Database) -> int:
    """Prompts the stand-up counts as sent (a reminder's delay runs from them)."""
    async with db.transaction() as session:
        return int((await session.exec(select(func.count()).select_from(StandupPrompt))).one())


async def _until(check: Callable[[], Awaitable[bool]], what: str, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{_tail(log)}"
        await asyncio.sleep(0.1)


def _tail(log: Path) -> str:
    return log.read_text()[-4000:]


def _prompted(fake: FakeSlack) -> dict[str, int]:
    """How many tagged DMs each member has (the fake opens DM channel D<user>)."""
    return {user_id: len(fake.tagged(f"D{user_id}")) for user_id in MEMBERS}


async def test_a_prompt_fan_out_killed_half_way_prompts_every_member_once(
    database_url: str, tmp_path: Path
) -> None:
    db = Database(database_url)
    await db.upgrade()
    await _team_due_now(db)
    log = tmp_path / "serve.log"
    fake = await FakeSlack(wall_clock_ts=True).start()
    fake.hold("chat.postMessage", after=ANSWERED_BEFORE_KILL, keep=True)
    first = _serve(database_url, fake, log)
    second: subprocess.Popen[bytes] | None = None
    try:

        async def half_recorded() -> bool:
            return fake.held >= 1 and await _recorded(db) >= ANSWERED_BEFORE_KILL

        await _until(half_recorded, "40 recorded prompts and the rest held", log)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        fake.release()
        reached = sum(1 for count in _prompted(fake).values() if count)
        recorded = await _recorded(db)
        assert ANSWERED_BEFORE_KILL <= reached < len(MEMBERS)
        assert recorded < reached  # posted, but the answers were lost with the process

        # Restarted once the dead run's leases ran out: its claims may be taken over now, and
        # the start-up tick must still not queue anyone a second time.
        await asyncio.sleep(LEASE_SECONDS + 0.5)
        second = _serve(database_url, fake, log)

        async def all_recorded() -> bool:
            return await _recorded(db) == len(MEMBERS)

        await _until(all_recorded, "every prompt recorded", log)
        assert _prompted(fake) == dict.fromkeys(MEMBERS, 1)
        assert await _prompts_sent(db) == len(MEMBERS)
        print(
            f"after SIGKILL: {reached} of {len(MEMBERS)} members prompted ({recorded} "
            f"recorded); after restart: {len(MEMBERS)} of {len(MEMBERS)}, each once"
        )
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        await fake.close()
        await db.dispose()
