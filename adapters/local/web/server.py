"""The playground's HTTP side: the page, its JSON calls and the live WebSocket. It listens on
loopback only and refuses calls from other sites' pages (the playground has no accounts)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, WSMsgType, web

from adapters.local import demo
from adapters.local.web.playground import (
    PLATFORM,
    STATIC,
    BadRequest,
    Playground,
    PlaygroundClock,
    is_name,
)
from bot.app import AlignBot
from bot.scheduler import Scheduler
from bot.settings import Settings

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
PLAYGROUND: web.AppKey[Playground] = web.AppKey("playground", Playground)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_app(playground: Playground) -> web.Application:
    app = web.Application(middlewares=[_same_origin], client_max_size=256 * 1024)
    app[PLAYGROUND] = playground
    app.router.add_get("/", _index)
    app.router.add_static("/static/", STATIC)
    app.router.add_get("/api/state", _state)
    app.router.add_post("/api/say", _json(_say))
    app.router.add_post("/api/press", _json(_press))
    app.router.add_post("/api/submit", _json(_submit))
    app.router.add_post("/api/clock", _json(_clock))
    app.router.add_get("/api/live", _live)
    app.on_shutdown.append(_close_pages)
    return app


async def _close_pages(app: web.Application) -> None:
    """Open pages would otherwise hold the shutdown until their sockets time out."""
    for socket in list(app[PLAYGROUND].listeners):
        await socket.close(code=WSCloseCode.GOING_AWAY, message=b"alignbot stopped")


@web.middleware
async def _same_origin(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Another site's page in the same browser may not drive or read the playground."""
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc != request.host:
        return web.json_response({"error": "Not from this page."}, status=403)
    return await handler(request)


async def _index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "index.html")


def _person(raw: object) -> str:
    name = str(raw or "").strip().lstrip("@")
    if not is_name(name):
        raise BadRequest("A person's name is letters, digits, '.', '_' or '-' (up to 40).")
    return name


async def _state(request: web.Request) -> web.StreamResponse:
    try:
        person = _person(request.query.get("as"))
    except BadRequest as error:
        return web.json_response({"error": str(error)}, status=400)
    return web.json_response(request.app[PLAYGROUND].state(person))


JsonCall = Callable[[Playground, dict[str, Any]], Awaitable[dict[str, Any]]]


def _json(call: JsonCall) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise BadRequest("Send a JSON object.")
            return web.json_response(await call(request.app[PLAYGROUND], body))
        except (BadRequest, json.JSONDecodeError, UnicodeDecodeError) as error:
            message = str(error) if isinstance(error, BadRequest) else "Send a JSON object."
            return web.json_response({"error": message}, status=400)

    return handler


async def _say(playground: Playground, body: dict[str, Any]) -> dict[str, Any]:
    text = body.get("text")
    if not isinstance(text, str):
        raise BadRequest("Type a command or a question first.")
    return await playground.say(_person(body.get("as")), str(body.get("conversation")), text)


async def _press(playground: Playground, body: dict[str, Any]) -> dict[str, Any]:
    control, option = body.get("control"), body.get("option")
    if not isinstance(control, int) or not (option is None or isinstance(option, int)):
        raise BadRequest("That button is gone; ask again.")
    return await playground.press(
        _person(body.get("as")), str(body.get("message")), control, option
    )


async def _submit(playground: Playground, body: dict[str, Any]) -> dict[str, Any]:
    values = body.get("values")
    if not isinstance(values, dict):
        raise BadRequest("Send the form's values.")
    return await playground.submit(str(body.get("token")), values)


async def _clock(playground: Playground, body: dict[str, Any]) -> dict[str, Any]:
    return await playground.jump(str(body.get("jump")))


async def _live(request: web.Request) -> web.StreamResponse:
    """Posts, updates and clock moves as they happen, for the person the page shows."""
    playground = request.app[PLAYGROUND]
    try:
        person = _person(request.query.get("as"))
    except BadRequest as error:
        return web.json_response({"error": str(error)}, status=400)
    socket = web.WebSocketResponse(heartbeat=30)
    await socket.prepare(request)
    playground.listeners[socket] = person
    try:
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            with contextlib.suppress(ValueError, BadRequest):
                wanted = json.loads(message.data)
                if isinstance(wanted, dict) and "as" in wanted:
                    playground.listeners[socket] = _person(wanted["as"])
    finally:
        playground.listeners.pop(socket, None)
    return socket


async def serve_playground(settings: Settings) -> None:
    """`make run` without credentials: the playground on http://127.0.0.1:PORT/ until Ctrl-C."""
    async with running_playground(settings, settings.port, on_demo=print) as (_, url):
        print(f"alignbot playground: open {url}  (Ctrl-C stops it;")
        print("`alignbot chat` chats in this terminal instead).", flush=True)
        await _until_stopped()


@contextlib.asynccontextmanager
async def running_playground(
    settings: Settings,
    port: int,
    *,
    clock: PlaygroundClock | None = None,
    on_demo: Callable[[str], None] = log.info,
) -> AsyncIterator[tuple[Playground, str]]:
    """The bot, its scheduler and the page, with the demo team loaded into an empty database
    (so there are people to switch between); yields the playground and its address."""
    clock = clock or PlaygroundClock()
    bot = await AlignBot.start(settings, clock=clock)
    scheduler = Scheduler(bot.ctx, bot.features)
    playground = Playground(bot, scheduler, clock, demo.ADMINS | settings.admin_ids)
    bot.messenger.connect(PLATFORM, playground)
    runner = web.AppRunner(build_app(playground), access_log=None)
    try:
        if not await demo.is_loaded(bot):
            on_demo("First start: loading the demo team (six people, a stand-up, a vote).")
            await demo.populate(bot, log.debug)
        scheduler.start()
        await runner.setup()
        site = web.TCPSite(runner, HOST, port)
        await site.start()
        bound = runner.addresses[0][1] if runner.addresses else port
        yield playground, f"http://{HOST}:{bound}/"
    finally:
        await runner.cleanup()
        await scheduler.stop()
        await bot.close()


async def _until_stopped() -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopped.set)
    await stopped.wait()
