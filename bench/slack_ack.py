"""Slack ack latency and throughput: signed slash commands into the real endpoint on 127.0.0.1.

Our app (bolt + core + SQLite + replies to a fake Web API) against a bare slack-bolt AsyncApp
whose listener only acks and inserts one SQLite row. Client, servers and the fake Web API share
one event loop, so everything runs on one core. Latency is the HTTP round trip of each command
(what Slack's 3-second ack timer sees); throughput counts commands whose work has finished.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
from aiohttp import ClientSession, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.server import build_web_app
from adapters.slack import SLACK_ADAPTER
from bench import Result
from bot.app import AlignBot
from bot.context import Context
from bot.events import Actor, Command, Conversation
from bot.ports import MessengerHub, SystemClock
from bot.settings import Settings
from storage.db import Database
from tests.slack.harness import SECRET, sign
from tests.support.fake_slack import FakeSlack

NAME = "slack_ack"
USERS = 10


@asynccontextmanager
async def _serve(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/slack/events"
    finally:
        await runner.cleanup()


def _body(harness_line: str, user: str, fake: FakeSlack, n: int) -> str:
    from urllib.parse import urlencode

    name, _, text = harness_line.partition(" ")
    return urlencode(
        {
            "team_id": "T1",
            "channel_id": "C1",
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": name,
            "text": text,
            "response_url": fake.response_url(f"b{n}"),
            "trigger_id": f"trigger-{n}",
        }
    )


async def _fire(url: str, line: str, count: int, fake: FakeSlack) -> list[float]:
    """Sends `count` signed commands one after another; returns each ack's latency (s)."""
    latencies: list[float] = []
    async with ClientSession() as session:
        for n in range(count):
            body = _body(line, f"U{n % USERS}", fake, n)
            ts = int(time.time())
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": str(ts),
                "X-Slack-Signature": sign(SECRET, ts, body),
            }
            started = time.perf_counter()
            async with session.post(url, data=body.encode(), headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"command {n} answered {response.status}")
            latencies.append(time.perf_counter() - started)
    return latencies


async def _fire_at_rate(
    url: str, line: str, count: int, fake: FakeSlack, per_second: float
) -> list[float]:
    """Open loop: command n leaves at n / per_second whatever earlier ones are doing."""
    async with ClientSession() as session:
        start = time.perf_counter()

        async def one(n: int) -> float:
            await asyncio.sleep(max(0.0, start + n / per_second - time.perf_counter()))
            body = _body(line, f"U{n % USERS}", fake, 100_000 + n)
            ts = int(time.time())
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": str(ts),
                "X-Slack-Signature": sign(SECRET, ts, body),
            }
            sent = time.perf_counter()
            async with session.post(url, data=body.encode(), headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"command {n} answered {response.status}")
            return time.perf_counter() - sent

        return list(await asyncio.gather(*(one(n) for n in range(count))))


async def _ours(
    tmp: Path, fake: FakeSlack, count: int, per_second: float
) -> tuple[list[float], float, str, list[float]]:
    settings = Settings(
        _env_file=None,
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        ALIGNBOT_ADMINS="",
    )
    db = Database(f"sqlite+aiosqlite:///{tmp}/ours.db")
    await db.upgrade()
    bot = AlignBot(Context(db, MessengerHub(), SystemClock(), settings))
    line = "/who owns backlog priority" if "who" in bot.router.commands else "/alignbot help"
    app = build_web_app(bot, settings)
    try:
        async with _serve(app) as url:
            started = time.perf_counter()
            latencies = await _fire(url, line, count, fake)
            await app[SLACK_ADAPTER].wait_idle()
            elapsed = time.perf_counter() - started
            paced = await _fire_at_rate(url, line, count, fake, per_second)
            await app[SLACK_ADAPTER].wait_idle()
    finally:
        await bot.close()
    delivered = len(fake.responses) + len(fake.called("chat.postMessage"))
    if delivered < 2 * count:
        raise RuntimeError(f"only {delivered} of {2 * count} replies were delivered")
    return latencies, count / elapsed, line, paced


async def _core_only(tmp: Path, line: str, count: int) -> float:
    """The same commands straight into `bot.handle`: what the core alone can do."""
    db = Database(f"sqlite+aiosqlite:///{tmp}/core.db")
    await db.upgrade()
    bot = AlignBot(Context(db, MessengerHub(), SystemClock(), Settings(_env_file=None)))
    name, _, text = line.lstrip("/").partition(" ")
    try:
        started = time.perf_counter()
        for n in range(count):
            actor = Actor("slack", "T1", f"U{n % USERS}", f"u{n % USERS}")
            outcome = await bot.handle(
                Command(name, text, actor, Conversation("slack", "T1", "C1"))
            )
            if outcome is None:
                raise RuntimeError(f"{line} answered nothing")
        return count / (time.perf_counter() - started)
    finally:
        await bot.close()


async def _bare(tmp: Path, fake: FakeSlack, count: int) -> tuple[list[float], float]:
    """The floor: bolt itself, ack + one SQLite insert per command, nothing else."""
    connection = await aiosqlite.connect(tmp / "bare.db")
    await connection.execute("PRAGMA journal_mode=WAL")
    await connection.execute("CREATE TABLE hit (id INTEGER PRIMARY KEY, user TEXT, text TEXT)")
    bolt = AsyncApp(
        signing_secret=SECRET,
        client=AsyncWebClient(token="xoxb-bench", base_url=fake.api_url),
        process_before_response=True,
    )
    pending: set[asyncio.Task[None]] = set()

    async def insert(body: dict[str, Any]) -> None:
        await connection.execute(
            "INSERT INTO hit (user, text) VALUES (?, ?)", (body["user_id"], body["text"])
        )
        await connection.commit()

    async def on_command(ack: Callable[[], Awaitable[None]], body: dict[str, Any]) -> None:
        await ack()
        task = asyncio.ensure_future(insert(body))
        pending.add(task)
        task.add_done_callback(pending.discard)

    bolt.command("/who")(on_command)
    bolt.command("/alignbot")(on_command)

    async def endpoint(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", endpoint)
    try:
        async with _serve(app) as url:
            started = time.perf_counter()
            latencies = await _fire(url, "/who owns backlog priority", count, fake)
            while pending:
                await asyncio.wait(list(pending))
            elapsed = time.perf_counter() - started
    finally:
        await connection.close()
    return latencies, count / elapsed


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _p(latencies: list[float], percent: int) -> float:
    return statistics.quantiles(latencies, n=100, method="inclusive")[percent - 1]


async def measure(quick: bool) -> list[Result]:
    count = 100 if quick else 1000
    per_second = 25.0  # steady traffic well under capacity: what users feel on a normal day
    fake = await FakeSlack().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ours, ours_rate, line, paced = await _ours(Path(tmp), fake, count, per_second)
            bare, bare_rate = await _bare(Path(tmp), fake, count)
            core_rate = await _core_only(Path(tmp), line, count)
    finally:
        await fake.close()
    label = f"{count} × {line.split()[0]}"
    return [
        Result(NAME, f"ack p50 ({label})", _ms(_p(ours, 50))),
        Result(NAME, f"ack p99 ({label})", _ms(_p(ours, 99))),
        Result(NAME, "ack max", _ms(max(ours))),
        Result(
            NAME,
            f"ack p50 / p99 at a fixed {per_second:.0f} commands/s (open loop)",
            f"{_ms(_p(paced, 50))} / {_ms(_p(paced, 99))}",
        ),
        Result(NAME, "bare bolt ack p50 / p99", f"{_ms(_p(bare, 50))} / {_ms(_p(bare, 99))}"),
        Result(NAME, "throughput, answered (ours)", f"{ours_rate:.0f} commands/s"),
        Result(NAME, "throughput, ack + insert (bare bolt)", f"{bare_rate:.0f} commands/s"),
        Result(NAME, "throughput ratio ours / bare", f"{ours_rate / bare_rate:.2f}"),
        Result(NAME, "core alone, no Slack (same command)", f"{core_rate:.0f} commands/s"),
    ]
