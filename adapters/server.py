"""One aiohttp application: Slack's and Teams' endpoints, /healthz, /metrics, /privacy and
/terms, and the scheduler."""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import signal
import time

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.typedefs import Handler
from aiohttp.web_request import BaseRequest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4 as CONTENT_TYPE

from adapters.pages import mount as mount_pages
from bot.app import AlignBot
from bot.features.privacy.settings import PrivacySettings
from bot.metrics import labelling_request
from bot.replica import REPLICA_ID
from bot.scheduler import Scheduler
from bot.settings import Settings
from storage.repositories import deliveries, heartbeat
from storage.repositories import inbox as inbox_rows

log = logging.getLogger(__name__)

BOT_KEY = web.AppKey("alignbot", AlignBot)
# Slack's and Teams' payloads are a few kB; anything larger is refused with 413 unread.
MAX_REQUEST_BYTES = 512 * 1024
HEALTH_TIMEOUT_SECONDS = 3
DEPTH_TIMEOUT_SECONDS = 2  # a scrape reports NaN depths rather than wait for a busy database
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def build_web_app(bot: AlignBot, settings: Settings) -> web.Application:
    """The HTTP surface. Each platform adapter mounts itself only when it is configured."""
    from adapters import slack, teams

    app = web.Application(
        client_max_size=MAX_REQUEST_BYTES, middlewares=[measure_requests, refuse_while_stopping]
    )
    app[BOT_KEY] = bot
    app[HEALTH_CHECK_KEY] = HealthCheck()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    # The privacy page states the retention period, also for a bot run without that feature.
    bot.ctx.feature_settings.build([PrivacySettings])
    mount_pages(app, settings, bot.ctx.feature_settings.of(PrivacySettings).retention_days)
    enabled = [
        name
        for name, adapter in (("slack", slack), ("teams", teams))
        if adapter.mount(app, bot, settings)
    ]
    log.info("platforms enabled: %s", ", ".join(enabled) or "none (local chat only)")
    # After the adapters: their clients are up before stored work resumes.
    app.on_startup.append(_start_inbox)
    app.on_shutdown.append(_drain_inbox)  # on_shutdown runs before the adapters' on_cleanup
    return app


async def _start_inbox(app: web.Application) -> None:
    await app[BOT_KEY].inbox.run()


async def _drain_inbox(app: web.Application) -> None:
    bot = app[BOT_KEY]
    await bot.inbox.drain(bot.ctx.settings.shutdown_grace_seconds)


@web.middleware
async def measure_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Time to the response, by route, status and the event kind the adapter found in it."""
    started = time.perf_counter()
    status = 500
    with labelling_request() as labels:
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as refused:
            status = refused.status
            raise
        finally:
            resource = request.match_info.route.resource
            route = resource.canonical if resource is not None else "unmatched"
            seconds = time.perf_counter() - started
            request.app[BOT_KEY].metrics.request(route, labels.kind, status, seconds)


@web.middleware
async def refuse_while_stopping(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Once shutdown began, new requests get 503 at once (Slack retries events; a load balancer
    moves on), /healthz included, so nothing new is accepted that could not be finished."""
    if request.app[BOT_KEY].inbox.closed:
        return web.json_response(
            {"status": "unhealthy", "reason": "shutting down"},
            status=503,
            headers={"Retry-After": "5", "Connection": "close"},
        )
    return await handler(request)


async def healthz(request: web.Request) -> web.Response:
    """Healthy when the database takes a write (a heartbeat upsert) within the time allowed;
    used by the Docker HEALTHCHECK and load balancers. A locked or read-only database fails.
    Checks arriving while one runs share its answer, so a burst of probes costs one write."""
    error = await request.app[HEALTH_CHECK_KEY].run(request.app[BOT_KEY])
    if error is not None:
        log.warning("health check failed: %s", error)
        return web.json_response({"status": "unhealthy", "database": "unwritable"}, status=503)
    return web.json_response({"status": "ok"})


class HealthCheck:
    """One heartbeat write at a time; callers arriving meanwhile share its result."""

    def __init__(self) -> None:
        self._running: asyncio.Future[str | None] | None = None

    async def run(self, bot: AlignBot) -> str | None:
        """None when the heartbeat was written in time, else what went wrong."""
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(self._write(bot))
        return await asyncio.shield(self._running)

    @staticmethod
    async def _write(bot: AlignBot) -> str | None:
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                async with bot.ctx.db.transaction() as session:
                    await heartbeat.beat(session, REPLICA_ID, bot.ctx.clock.now())
        except Exception as error:
            return str(error) or type(error).__name__
        return None


HEALTH_CHECK_KEY = web.AppKey("health_check", HealthCheck)


async def metrics(request: web.Request) -> web.Response:
    """This replica's metrics (each replica is scraped on its own), with the inbox and outbox
    depth read from the database now: one short read per scrape, none per event."""
    bot = request.app[BOT_KEY]
    inbox, outbox = await _depths(bot)
    bot.metrics.depths(inbox, outbox)
    return web.Response(body=bot.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})


async def _depths(bot: AlignBot) -> tuple[float, float]:
    """Open inbox rows and pending outbox rows; NaN (unknown) when the database is slow."""
    try:
        async with asyncio.timeout(DEPTH_TIMEOUT_SECONDS):
            async with bot.ctx.db.transaction() as session:
                return await inbox_rows.open_count(session), await deliveries.pending_count(session)
    except Exception as error:
        log.warning("metrics: could not read the queue depths: %s", error or type(error).__name__)
        return math.nan, math.nan


class AccessLog(AbstractAccessLogger):
    """One line per request, without the query string: an OAuth redirect's `code` and `state`
    stay out of the logs (aiohttp's default line carries the whole request line)."""

    def log(self, request: BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.3fs", request.method, request.path, response.status, time)


async def serve(settings: Settings) -> None:
    """Runs until SIGTERM or SIGINT: migrations, web endpoints, scheduled jobs, then a drain."""
    if settings.slack_oauth:
        from adapters.slack.tokens import TokenCipher

        TokenCipher(settings.encryption_key)  # refused before anything starts
    bot = await AlignBot.start(settings)
    app = build_web_app(bot, settings)
    scheduler = Scheduler(bot.ctx, bot.features, bot.platform_ticks)
    runner = web.AppRunner(app, access_log_class=AccessLog)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    scheduler.start()
    # What start-up built (modules, engine, app) lives as long as the process: frozen out of
    # the collector's sight, a full collection under load walks only what requests allocate
    # (measured at 400 /who per second: 116-184 ms pauses before, the p99's outliers).
    gc.freeze()
    log.info("alignbot listening on http://%s:%s", settings.host, settings.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, stop.set)
    try:
        await stop.wait()
        bot.inbox.closed = True  # from now on every request is refused with 503
        log.info(
            "stopping: draining work in flight for up to %.0f s",
            settings.shutdown_grace_seconds,
        )
    finally:
        for number in STOP_SIGNALS:
            loop.remove_signal_handler(number)
        await bot.inbox.drain(settings.shutdown_grace_seconds)
        await scheduler.stop()
        await runner.cleanup()
        await bot.close()
        log.info("alignbot stopped")
