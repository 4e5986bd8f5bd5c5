"""Three real `alignbot serve` processes on one PostgreSQL post each team's digest once.

One replica is killed (SIGKILL) while its Slack post hangs mid-flight; after its lease runs
out another replica takes the run over. The fake Slack Web API counts only posts that were
answered, as Slack would only have delivered those.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from aiohttp import web

from storage.db import Database
from storage.models.core import ProductTeam
from storage.models.digests import DigestSchedule
from tests.replicas.processes import free_port
from tests.support.databases import postgres_database_url

pytestmark = pytest.mark.postgres

CHANNELS = ("C1", "C2", "C3")
HANGING = "C1"  # the first post to this channel never returns: its replica gets killed
LEASE_SECONDS = 4


class HangingSlack:
    """Just enough Slack Web API: auth.test, and chat.postMessage that can hang once."""

    def __init__(self) -> None:
        self.delivered: list[str] = []
        self.hung = asyncio.Event()
        self.all_delivered = asyncio.Event()
        self._hang_once = True
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        body = dict(form) if form else await request.json()
        if method == "chat.postMessage":
            channel = str(body.get("channel"))
            if channel == HANGING and self._hang_once:
                self._hang_once = False
                self.hung.set()
                await asyncio.Event().wait()  # until the client dies and aiohttp cancels us
            self.delivered.append(channel)
            if len(self.delivered) >= len(CHANNELS):
                self.all_delivered.set()
            return web.json_response({"ok": True, "channel": channel, "ts": f"{time.time():.6f}"})
        return web.json_response(
            {"ok": True, "user_id": "UBOT", "team_id": "T1", "bot_id": "B1", "url": "https://x/"}
        )


@pytest.fixture
async def replica_database() -> AsyncIterator[str]:
    """A whole database of its own: the replicas connect to it by URL alone."""
    async with postgres_database_url("alignbot_replicas") as url:
        yield url


async def _seed(url: str) -> None:
    """Three channels whose Friday-style digest fell due ten minutes ago."""
    db = Database(url)
    await db.upgrade()
    now = datetime.now(UTC)
    due = now - timedelta(minutes=10)
    async with db.transaction() as session:
        team = ProductTeam(workspace_id="T1", slug="default", name="Checkout", created_at=now)
        session.add(team)
        await session.flush()
        assert team.id is not None
        for channel in CHANNELS:
            session.add(
                DigestSchedule(
                    workspace_id="T1",
                    platform="slack",
                    channel_id=channel,
                    team_id=team.id,
                    weekday=due.weekday(),
                    time_of_day=f"{due:%H:%M}",
                    timezone="UTC",
                    updated_by="U0",
                    updated_at=now - timedelta(hours=1),  # set up before it fell due
                )
            )
    await db.dispose()


def _start_replica(url: str, slack: HangingSlack, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ALIGNBOT_DATABASE_URL": url,
        "ALIGNBOT_HOST": "127.0.0.1",
        "ALIGNBOT_PORT": str(free_port()),
        "ALIGNBOT_SCHEDULE_SYNC_SECONDS": "1",
        "ALIGNBOT_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "ALIGNBOT_LOG_LEVEL": "INFO",
        "SLACK_BOT_TOKEN": "xoxb-replica-test",
        "SLACK_SIGNING_SECRET": "replica-secret",
        "SLACK_API_URL": f"http://127.0.0.1:{slack.port}/api/",
    }
    env.pop("SLACK_APP_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-c", "from adapters.cli import main; main()", "serve"],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


async def _holder_pid(url: str) -> int:
    """The pid of the replica that claimed the hanging channel's run (owner = host:pid:rand)."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        row = await connection.fetchrow(
            "SELECT c.owner FROM job_claim c JOIN digest_schedule s "
            "ON c.key LIKE 'digest:' || s.id || ':%' WHERE s.channel_id = $1",
            HANGING,
        )
    finally:
        await connection.close()
    assert row is not None
    return int(str(row["owner"]).split(":")[1])


async def _posted_periods(url: str) -> int:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return int(await connection.fetchval("SELECT count(*) FROM digest_post"))
    finally:
        await connection.close()


async def test_three_replicas_post_each_digest_once(replica_database: str, tmp_path: Path) -> None:
    await _seed(replica_database)
    slack = HangingSlack()
    await slack.start()
    replicas = [_start_replica(replica_database, slack, tmp_path / f"r{i}.log") for i in range(3)]
    try:
        await asyncio.wait_for(slack.hung.wait(), timeout=90)
        victim = await _holder_pid(replica_database)
        assert victim in {r.pid for r in replicas}
        os.kill(victim, signal.SIGKILL)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(slack.all_delivered.wait(), timeout=60)
        await asyncio.sleep(2 * LEASE_SECONDS)  # several more sync rounds: nobody posts again
        assert sorted(slack.delivered) == sorted(CHANNELS), _logs(tmp_path)
        assert await _posted_periods(replica_database) == len(CHANNELS)
        survivors = [r for r in replicas if r.pid != victim]
        assert all(r.poll() is None for r in survivors), _logs(tmp_path)
    finally:
        for replica in replicas:
            if replica.poll() is None:
                replica.send_signal(signal.SIGTERM)
        for replica in replicas:
            try:
                replica.wait(timeout=10)
            except subprocess.TimeoutExpired:
                replica.kill()
        await slack.close()


def _logs(tmp_path: Path) -> str:
    return "\n".join(
        f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(tmp_path.glob("r*.log"))
    )
