"""A fake Slack Web API on 127.0.0.1: records every call and misbehaves on demand.

Answers `POST|GET /api/<method>` like Slack (`{"ok": true, ...}`), posts to `response_url`s at
`/response/<name>`, and serves Socket Mode at `/socket` (`apps.connections.open` points there).
Faults are queued per method: `rate_limit` (429 + Retry-After), `server_error` (500/503),
`disconnect` (connection dropped), `refuse` (`{"ok": false, "error": ...}`), each for the next
N calls; `delay` slows every call of a method; `hold` stops answering a method after N calls
(optionally keeping the post, as when Slack posted it but the answer was lost).
Posted messages are kept per channel, with their `metadata`, and `conversations.history` /
`conversations.replies` return them in Slack's documented shape.

OAuth: `offer_install` prepares what `oauth.v2.access` answers for an authorization `code`
(a workspace or an org-wide install, optionally with a rotating token); `grant_type=
refresh_token` swaps a refresh token for a new token, as Slack's token rotation does; every
call records the bearer token it came with, and `auth.test` answers for that token's team.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

BOT_USER = "UBOT"
TEAM = "T1"
WAIT_LIMIT = 5.0


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    status: int
    token: str = ""


@dataclass
class Grant:
    """Who a token (or refresh token) was issued to."""

    team_id: str
    enterprise_id: str | None = None
    org_wide: bool = False
    rotating: bool = False


@dataclass
class Fault:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None


def default_user(user_id: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "team_id": TEAM,
        "name": user_id.lower(),
        "real_name": f"Real {user_id}",
        "tz": "Europe/Berlin",
        "is_admin": False,
        "is_owner": False,
        "profile": {"display_name": f"Person {user_id}", "real_name": f"Real {user_id}"},
    }


class FakeSlack:
    def __init__(self, *, wall_clock_ts: bool = False) -> None:
        # Slack's ts is the post's Unix time; the fixed series below keeps older tests'
        # expected values stable, and `wall_clock_ts` gives real ones (`oldest` filters).
        self._wall_clock_ts = wall_clock_ts
        self.calls: list[Call] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channel_members: dict[str, list[str]] = {}  # conversations.members, by channel
        self.socket_acks: list[dict[str, Any]] = []
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._delays: dict[str, float] = {}
        self._holds: dict[str, tuple[int, bool]] = {}
        self.held = 0
        self._released = asyncio.Event()
        self._ts = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_ready = asyncio.Event()
        self._changed = asyncio.Event()
        self._pending_tokens: dict[str, str] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.client_credentials = ("", "")  # (client id, secret) oauth.v2.access accepts
        self._codes: dict[str, tuple[Grant, str]] = {}
        self.tokens: dict[str, Grant] = {}
        self._refresh_tokens: dict[str, Grant] = {}
        self._serial = itertools.count(1)
        self.expires_in = 43_200  # Slack's rotating tokens live 12 hours
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self.app = app

    # Lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    # Faults ------------------------------------------------------------------------------

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 0) -> None:
        for _ in range(times):
            self._faults[method].append(Fault(429, {"Retry-After": str(retry_after)}))

    def server_error(self, method: str, times: int = 1, status: int = 500) -> None:
        for _ in range(times):
            self._faults[method].append(Fault(status))

    def disconnect(self, method: str, times: int = 1) -> None:
        """Drops the connection without answering, like a proxy restart."""
        for _ in range(times):
            self._faults[method].append(Fault(0))

    def refuse(self, method: str, error: str, times: int = 1) -> None:
        for _ in range(times):
            self._faults[method].append(Fault(200, error=error))

    def delay(self, method: str, seconds: float) -> None:
        """Every later call of `method` is answered `seconds` late (a slow Slack)."""
        self._delays[method] = seconds

    def hold(self, method: str, after: int, *, keep: bool = False) -> None:
        """After `after` more answered calls, calls of `method` get no answer until `release`
        (or until the caller hangs up); `keep` stores their message first, as when Slack
        posted it but the answer never reached the bot."""
        self._holds[method] = (len(self.called(method)) + after, keep)
        self._released.clear()

    def release(self) -> None:
        self._holds.clear()
        self._released.set()

    def tagged(self, channel: str) -> list[dict[str, Any]]:
        """The messages in `channel` (threads included) that carry metadata."""
        return [m for m in self.messages[channel] if m.get("metadata")]

    # OAuth -------------------------------------------------------------------------------

    def offer_install(
        self,
        code: str,
        team_id: str,
        *,
        enterprise_id: str | None = None,
        org_wide: bool = False,
        rotating: bool = False,
        installer: str = "U1",
    ) -> str:
        """`oauth.v2.access` with `code` installs into `team_id`; returns the bot token."""
        grant = Grant(team_id, enterprise_id, org_wide, rotating)
        token = f"xoxb-{enterprise_id or ''}{team_id}-{next(self._serial)}"
        if rotating:
            token = f"xoxe.{token}"
        self._codes[code] = (grant, installer)
        self.tokens[token] = grant
        self._pending_tokens[code] = token
        return token

    def tokens_used(self, method: str) -> list[str]:
        return [c.token for c in self.calls if c.method == method and c.status == 200]

    def _oauth_access(self, body: dict[str, Any], basic: tuple[str, str]) -> dict[str, Any] | str:
        """Slack's documented answers; an error code (str) for what Slack would refuse."""
        if basic != self.client_credentials:
            return "invalid_client_id"
        if body.get("grant_type") == "refresh_token":
            grant = self._refresh_tokens.pop(str(body.get("refresh_token")), None)
            if grant is None:
                return "invalid_refresh_token"
            token = f"xoxe.xoxb-{grant.team_id}-{next(self._serial)}"
            self.tokens[token] = grant
            return self._token_answer(grant, token)
        offered = self._codes.pop(str(body.get("code")), None)
        if offered is None:
            return "invalid_code"
        grant, installer = offered
        token = self._pending_tokens.pop(str(body.get("code")))
        return {**self._token_answer(grant, token), "authed_user": {"id": installer}}

    def _token_answer(self, grant: Grant, token: str) -> dict[str, Any]:
        enterprise = {"id": grant.enterprise_id, "name": "Org"} if grant.enterprise_id else None
        answer: dict[str, Any] = {
            "access_token": token,
            "token_type": "bot",
            "scope": "commands,chat:write",
            "bot_user_id": BOT_USER,
            "app_id": "A1",
            "team": None if grant.org_wide else {"id": grant.team_id, "name": grant.team_id},
            "enterprise": enterprise,
            "is_enterprise_install": grant.org_wide,
        }
        if grant.rotating:
            refresh = f"xoxe-1-{next(self._serial)}"
            self._refresh_tokens[refresh] = grant
            answer |= {"refresh_token": refresh, "expires_in": self.expires_in}
        return answer

    # Inspection --------------------------------------------------------------------------

    def called(self, method: str) -> list[dict[str, Any]]:
        """Bodies of the calls to `method` that Slack answered with success."""
        return [c.body for c in self.calls if c.method == method and c.status == 200]

    def attempts(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    async def until(self, condition: Callable[[], object]) -> None:
        """Waits (at most 5 s) until something recorded here satisfies `condition`."""
        async with asyncio.timeout(WAIT_LIMIT):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._changed.set()

    # Web API -----------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await _parse(request)
        token = _bearer(request) or str(body.get("token") or "")
        if method == "oauth.v2.access":
            answer = self._oauth_access(body, _basic(request))
            ok = isinstance(answer, dict)
            self._record(Call(method, body, 200 if ok else 400, token))
            if isinstance(answer, str):
                return web.json_response({"ok": False, "error": answer})
            return web.json_response({"ok": True, **answer})
        faults = self._faults.get(method)
        fault = faults.popleft() if faults else None
        if fault is not None and fault.status == 0:
            self._record(Call(method, body, 0))
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        if fault is not None and fault.error is None:
            self._record(Call(method, body, fault.status))
            return web.json_response(
                {"ok": False, "error": "ratelimited" if fault.status == 429 else "fatal_error"},
                status=fault.status,
                headers=fault.headers,
            )
        if fault is None and (error := self._refusal(method, body)) is not None:
            fault = Fault(200, error=error)
        if fault is not None:
            self._record(Call(method, body, 400))
            return web.json_response({"ok": False, "error": fault.error})
        if method in self._delays:
            await asyncio.sleep(self._delays[method])
        hold = self._holds.get(method)
        answer = None
        if hold is not None and len(self.called(method)) >= hold[0]:
            self.held += 1
            answer = self._answer(method, body, token) if hold[1] else None
            self._changed.set()
            await self._released.wait()  # or until the client hangs up and aiohttp cancels us
        answer = answer or self._answer(method, body, token)
        self._record(Call(method, body, 200, token))
        return web.json_response({"ok": True, **answer})

    def _next_ts(self) -> str:
        n = next(self._ts)
        if self._wall_clock_ts:
            return f"{int(time.time())}.{n:06d}"
        return f"{1_700_000_000 + n}.{n:06d}"

    def _refusal(self, method: str, body: dict[str, Any]) -> str | None:
        """Errors Slack documents for a request it understood (a channel it does not know)."""
        if method == "conversations.members" and body.get("channel") not in self.channel_members:
            return "channel_not_found"
        return None

    def _members_page(self, body: dict[str, Any]) -> dict[str, Any]:
        """One page (`limit`, default 100) from an opaque `cursor`, as Slack paginates."""
        members = self.channel_members[str(body["channel"])]
        cursor = str(body.get("cursor") or "")
        start = int(base64.b64decode(cursor).decode().removeprefix("offset:")) if cursor else 0
        end = start + int(body.get("limit") or 100)
        following = base64.b64encode(f"offset:{end}".encode()).decode()
        return {
            "members": members[start:end],
            "response_metadata": {"next_cursor": following if end < len(members) else ""},
        }

    def _answer(self, method: str, body: dict[str, Any], token: str = "") -> dict[str, Any]:
        match method:
            case "auth.test":
                grant = self.tokens.get(token)
                return {
                    "url": "https://test.slack.com/",
                    "team": "Test",
                    "user": "alignbot",
                    "team_id": grant.team_id if grant else TEAM,
                    "user_id": BOT_USER,
                    "bot_id": "BBOT",
                    **(
                        {"enterprise_id": grant.enterprise_id}
                        if grant and grant.enterprise_id
                        else {}
                    ),
                    **({"is_enterprise_install": True} if grant and grant.org_wide else {}),
                }
            case "chat.postMessage":
                return self._post(body)
            case "chat.update":
                for stored in self.messages[str(body.get("channel"))]:
                    if stored["ts"] == body.get("ts"):
                        stored.update(
                            {k: body[k] for k in ("text", "blocks", "metadata") if k in body}
                        )
                return {"channel": body.get("channel"), "ts": body.get("ts")}
            case "conversations.history":
                return self._history(body, thread=None)
            case "conversations.replies":
                return self._history(body, thread=str(body.get("ts")))
            case "chat.postEphemeral":
                return {"message_ts": self._next_ts()}
            case "views.open" | "views.update" | "views.publish":
                return {"view": {"id": "V1", **(body.get("view") or {})}}
            case "conversations.members":
                return self._members_page(body)
            case "conversations.open":
                return {"channel": {"id": f"D{body.get('users', 'X')}"}}
            case "users.info":
                user_id = str(body.get("user", ""))
                return {"user": self.users.get(user_id, default_user(user_id))}
            case "apps.connections.open":
                return {"url": f"ws://127.0.0.1:{self.port}/socket"}
            case _:
                return {}

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        channel = str(body.get("channel"))
        stored: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER,
            "bot_id": "BBOT",
            "ts": self._next_ts(),
            "text": body.get("text", ""),
            **{k: body[k] for k in ("blocks", "metadata", "thread_ts") if body.get(k)},
        }
        self.messages[channel].append(stored)
        return {"channel": channel, "ts": stored["ts"], "message": stored}

    def _history(self, body: dict[str, Any], thread: str | None) -> dict[str, Any]:
        """`conversations.history` (newest first, no thread replies) or `.replies` (parent
        first); metadata only with `include_all_metadata`; `oldest` exclusive; cursor paging."""
        oldest = float(body.get("oldest") or 0)
        with_metadata = str(body.get("include_all_metadata", "")).lower() in {"true", "1"}
        stored = self.messages[str(body.get("channel"))]
        if thread is None:
            found = [m for m in reversed(stored) if m.get("thread_ts") in (None, m["ts"])]
        else:
            found = [m for m in stored if thread in (m["ts"], m.get("thread_ts"))]
        found = [m for m in found if float(m["ts"]) > oldest]
        start = int(body.get("cursor") or 0)
        limit = int(body.get("limit") or 100)
        page = found[start : start + limit]
        more = start + limit < len(found)
        shown = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page
        ]
        return {
            "messages": shown,
            "has_more": more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    async def _response_url(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        body = await request.json()
        faults = self._faults.get(f"response:{name}")
        fault = faults.popleft() if faults else None
        if fault is not None:
            return web.Response(status=fault.status, headers=fault.headers, text="rate_limited")
        self.responses.append((name, body))
        self._changed.set()
        return web.Response(text="ok")

    # Socket Mode -------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        self._socket_ready.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(msg.data))
                self._changed.set()
        return ws

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        """Delivers an event over the open Socket Mode connection, as Slack would."""
        async with asyncio.timeout(5):
            await self._socket_ready.wait()
        await self._sockets[-1].send_json(envelope)


def _bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""


def _basic(request: web.Request) -> tuple[str, str]:
    """HTTP Basic credentials, as slack_sdk sends `client_id` / `client_secret`."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return ("", "")
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return (user, password)


async def _parse(request: web.Request) -> dict[str, Any]:
    """slack_sdk sends JSON for some methods, form fields or a query string for others."""
    body: dict[str, Any] = dict(parse_qsl(request.query_string))
    if request.can_read_body:
        raw = await request.text()
        if request.content_type == "application/json" and raw:
            body.update(json.loads(raw))
        elif raw:
            body.update(dict(parse_qsl(raw)))
    body.pop("token", None)
    return body
