"""The shared web app: health, metrics, and platforms mounted only when configured."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_web_app
from bot.app import AlignBot
from storage.db import Database
from tests.conftest import ask
from tests.support.metrics import scrape, value


async def test_healthz_and_metrics(alignbot: AlignBot) -> None:
    await ask(alignbot, "/who owns the roadmap")
    await ask(alignbot, "/nonsense")
    app = build_web_app(alignbot, alignbot.ctx.settings)
    async with TestClient(TestServer(app)) as client:
        health = await client.get("/healthz")
        assert health.status == 200
        assert await health.json() == {"status": "ok"}
        samples = await scrape(client.session, str(client.make_url("")).rstrip("/"))
    handled = "alignbot_handle_seconds_count"
    assert value(samples, handled, kind="command", feature="roles") == 1
    assert value(samples, handled, kind="command", feature="none") == 1  # no feature took it
    assert value(samples, "alignbot_handler_failures_total") == 0
    assert (
        value(samples, "alignbot_http_request_seconds_count", route="/healthz", status="200") == 1
    )


async def test_healthz_reports_an_unreachable_database(alignbot: AlignBot) -> None:
    nowhere = Database("postgresql+asyncpg://postgres@127.0.0.1:9/none")  # nothing listens on 9
    down = AlignBot(replace(alignbot.ctx, db=nowhere), alignbot.features)
    async with TestClient(TestServer(build_web_app(down, down.ctx.settings))) as client:
        health = await client.get("/healthz")
        assert health.status == 503
        assert (await health.json())["status"] == "unhealthy"
    await nowhere.dispose()


async def test_no_platform_routes_without_credentials(alignbot: AlignBot) -> None:
    app = build_web_app(alignbot, alignbot.ctx.settings)
    async with TestClient(TestServer(app)) as client:
        assert (await client.post("/slack/events", data="x")).status == 404
        assert (await client.post("/api/messages", json={})).status == 404


async def test_healthz_fails_when_the_database_takes_no_writes(
    alignbot: AlignBot, tmp_path: Path, migrated_sqlite: Path
) -> None:
    """A read would still work here; only the heartbeat write notices the held write lock."""
    path = tmp_path / "locked.db"
    shutil.copyfile(migrated_sqlite, path)
    locked = Database(f"sqlite+aiosqlite:///{path}", timeout_seconds=0.2)
    stuck = AlignBot(replace(alignbot.ctx, db=locked), alignbot.features)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        async with TestClient(TestServer(build_web_app(stuck, stuck.ctx.settings))) as client:
            assert (await client.get("/healthz")).status == 200
            holder.execute("BEGIN IMMEDIATE")
            health = await client.get("/healthz")
            assert health.status == 503
            assert await health.json() == {"status": "unhealthy", "database": "unwritable"}
            holder.execute("ROLLBACK")
            assert (await client.get("/healthz")).status == 200
    finally:
        holder.close()
        await locked.dispose()
