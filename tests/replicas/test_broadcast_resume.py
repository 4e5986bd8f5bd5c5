"""An insight broadcast to 100 subscribed channels, its `alignbot serve` killed half-way.

The fake Slack answers the first 50 posts, then keeps the next posts (Slack posted them) but
never answers: the process dies (SIGKILL) with those posts made and unrecorded. After a
restart every channel must hold the insight exactly once (the lost answers are found again
through the delivery key in the message metadata), and a retraction must reach every copy.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from aiohttp import ClientSession

from storage.db import Database
from tests.replicas.processes import free_port
from tests.slack.harness import SECRET, SlackHarness, initial_values
from tests.support.fake_slack import FakeSlack

CHANNELS = [f"C{n:03d}" for n in range(1, 101)]
ANSWERED_BEFORE_KILL = 50
LEASE_SECONDS = 3
WAIT_SECONDS = 90


def _serve(url: str, fake: FakeSlack, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ALIGNBOT_DATABASE_URL": url,
        "ALIGNBOT_HOST": "127.0.0.1",
        "ALIGNBOT_PORT": str(port),
        "ALIGNBOT_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "ALIGNBOT_LOG_LEVEL": "INFO",
        "SLACK_BOT_TOKEN": "xoxb-broadcast-test",
        "SLACK_SIGNING_SECRET": SECRET,
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


async def _until(condition: Callable[[], bool], what: str, logs: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{_tail(logs)}"
        await asyncio.sleep(0.1)


def _tail(logs: Path) -> str:
    return logs.read_text()[-4000:]


def _count(db_file: Path, sql: str) -> int:
    with sqlite3.connect(db_file) as connection:
        return int(connection.execute(sql).fetchone()[0])


async def _ready(session: ClientSession, port: int) -> bool:
    try:
        async with session.get(f"http://127.0.0.1:{port}/healthz") as health:
            return health.status == 200
    except OSError:
        return False


async def _wait_ready(session: ClientSession, port: int, logs: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not await _ready(session, port):
        assert time.monotonic() < deadline, _tail(logs)
        await asyncio.sleep(0.2)


async def test_a_broadcast_killed_half_way_reaches_every_channel_once(tmp_path: Path) -> None:
    db_file = tmp_path / "broadcast.db"
    url = f"sqlite+aiosqlite:///{db_file}"
    db = Database(url)
    await db.upgrade()
    await db.dispose()
    logs = tmp_path / "serve.log"
    fake = await FakeSlack(wall_clock_ts=True).start()
    port = free_port()
    first = _serve(url, fake, port, logs)
    second: subprocess.Popen[bytes] | None = None
    try:
        async with ClientSession() as session:
            slack = SlackHarness(
                f"http://127.0.0.1:{port}/slack/events",
                session,
                fake,
                None,
                None,  # type: ignore[arg-type]
            )
            await _wait_ready(session, port, logs)
            for channel in CHANNELS:
                answer = await slack.command("/insight subscribe here onboarding", channel=channel)
                assert answer.status == 200
            await _until(lambda: len(fake.responses) >= len(CHANNELS), "subscriptions", logs)
            assert _count(db_file, "SELECT count(*) FROM insight_subscription") == len(CHANNELS)

            assert (await slack.command("/insight new", user="UA", channel="C001")).status == 200
            await _until(lambda: bool(fake.called("views.open")), "the form", logs)
            view = fake.called("views.open")[-1]["view"]
            values = {
                **initial_values(view),
                "title": "Half of new users abandon sign-up at the email step",
                "finding": "Seven of twelve participants stopped when asked to confirm email.",
                "method": "interview",
                "participants": "12",
                "confidence": "high",
                "tags": "onboarding",
            }
            fake.hold("chat.postMessage", after=ANSWERED_BEFORE_KILL, keep=True)
            assert (await slack.submit(view, values, user="UA")).status == 200
            await _until(lambda: fake.held >= 1, "the posts after the first 50", logs)
            await _until(
                lambda: (
                    _count(db_file, "SELECT count(*) FROM delivery WHERE delivered_at IS NOT NULL")
                    >= ANSWERED_BEFORE_KILL
                ),
                "50 recorded posts",
                logs,
            )
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            fake.release()
            reached = sum(1 for c in CHANNELS if fake.tagged(c))
            recorded = _count(
                db_file, "SELECT count(*) FROM delivery WHERE delivered_at IS NOT NULL"
            )
            assert ANSWERED_BEFORE_KILL <= reached < len(CHANNELS)
            assert recorded < reached  # posted, but the answers were lost with the process

            second = _serve(url, fake, port, logs)
            await _wait_ready(session, port, logs)
            await _until(
                lambda: (
                    _count(db_file, "SELECT count(*) FROM delivery WHERE delivered_at IS NOT NULL")
                    == len(CHANNELS)
                ),
                "every delivery recorded",
                logs,
            )
            copies = {c: fake.tagged(c) for c in CHANNELS}
            assert {c: len(found) for c, found in copies.items()} == dict.fromkeys(CHANNELS, 1)
            assert _count(db_file, "SELECT count(*) FROM insight_delivery") == len(CHANNELS)
            print(
                f"after SIGKILL: {reached} of {len(CHANNELS)} channels posted ({recorded} "
                f"recorded); after restart: {len(CHANNELS)} of {len(CHANNELS)}, each once"
            )

            said = len(fake.responses)
            retract = await slack.command("/insight retract 1 confirm", user="UA", channel="C001")
            assert retract.status == 200
            await _until(lambda: len(fake.responses) > said, "the retraction's answer", logs)
            answer = str(fake.responses[-1][1])
            assert "Retracted insight" in answer, answer

            def retracted() -> set[str]:
                return {
                    c
                    for c in CHANNELS
                    if "retracted" in str(copies[c][0].get("blocks", "")).lower()
                    or "retracted" in str(copies[c][0].get("text", "")).lower()
                }

            await _until(lambda: retracted() == set(CHANNELS), "every copy retracted", logs)
            assert {c: len(fake.tagged(c)) for c in CHANNELS} == dict.fromkeys(CHANNELS, 1)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        await fake.close()
