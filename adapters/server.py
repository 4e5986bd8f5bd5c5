"""One aiohttp application: Slack's and Teams' endpoints, /healthz, /metrics, and the scheduler."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.app import AlignBot
from bot.scheduler import REPLICA_ID, Scheduler
from bot.settings import Settings
from storage.repositories import heartbeat

log = logging.getLogger(__name__)

BOT_KEY = web.AppKey("alignbot", AlignBot)
# Slack's and Teams' payloads are a few kB; anything larger is refused with 413 unread.
MAX_REQUEST_BYTES = 512 * 1024
HEALTH_TIMEOUT_SECONDS = 3


def build_web_app(bot: AlignBot, settings: Settings) -> web.Application:
    """The HTTP surface. Each platform adapter mounts itself only when it is configured."""
    from adapters import slack, teams

    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[BOT_KEY] = bot
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    enabled = [
        name
        for name, adapter in (("slack", slack), ("teams", teams))
        if adapter.mount(app, bot, settings)
    ]
    log.info("platforms enabled: %s", ", ".join(enabled) or "none (local chat only)")
    return app


async def healthz(request: web.Request) -> web.Response:
    """Healthy when the database takes a write (a heartbeat upsert) within the time allowed;
    used by the Docker HEALTHCHECK and load balancers. A locked or read-only database fails."""
    bot = request.app[BOT_KEY]
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            async with bot.ctx.db.transaction() as session:
                await heartbeat.beat(session, REPLICA_ID, bot.ctx.clock.now())
    except Exception as error:
        log.warning("health check failed: %s", error or type(error).__name__)
        return web.json_response({"status": "unhealthy", "database": "unwritable"}, status=503)
    return web.json_response({"status": "ok"})


async def metrics(request: web.Request) -> web.Response:
    exposition = request.app[BOT_KEY].metrics.exposition()
    return web.Response(text=exposition, content_type="text/plain", charset="utf-8")


async def serve(settings: Settings) -> None:
    """Runs until cancelled: migrations, web endpoints, scheduled jobs."""
    bot = await AlignBot.start(settings)
    app = build_web_app(bot, settings)
    scheduler = Scheduler(bot.ctx, bot.features)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    scheduler.start()
    log.info("alignbot listening on http://%s:%s", settings.host, settings.port)
    try:
        await asyncio.Event().wait()
    finally:
        scheduler.shutdown()
        await runner.cleanup()
        await bot.close()
