"""The bare slack-bolt app `bench/slack_ack.py` compares against, as its own process.

`python -m bench._bare_bolt PORT DB_PATH`: acks each slash command, then inserts one SQLite
row and replies once through the command's `response_url`, the least any Slack app does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import aiosqlite
from aiohttp import ClientSession, ClientTimeout, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


async def _main(port: int, db_path: str) -> None:
    connection = await aiosqlite.connect(db_path)
    await connection.execute("PRAGMA journal_mode=WAL")
    await connection.execute("CREATE TABLE IF NOT EXISTS hit (user TEXT, text TEXT)")
    http = ClientSession(timeout=ClientTimeout(total=10))
    bolt = AsyncApp(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        client=AsyncWebClient(token="xoxb-bench", base_url=os.environ["SLACK_API_URL"]),
        process_before_response=True,
    )
    pending: set[asyncio.Task[None]] = set()

    async def answer(body: dict[str, Any]) -> None:
        await connection.execute(
            "INSERT INTO hit (user, text) VALUES (?, ?)", (body["user_id"], body["text"])
        )
        await connection.commit()
        async with http.post(body["response_url"], json={"text": "ok"}) as response:
            await response.read()

    async def on_command(ack: Callable[[], Awaitable[None]], body: dict[str, Any]) -> None:
        await ack()
        task = asyncio.ensure_future(answer(body))
        pending.add(task)
        task.add_done_callback(pending.discard)

    bolt.command("/who")(on_command)

    async def endpoint(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/slack/events", endpoint)
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await http.close()
        await connection.close()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):  # SIGINT is how the bench stops it
        asyncio.run(_main(int(sys.argv[1]), sys.argv[2]))
