"""A fake Bot Framework connector on 127.0.0.1: records what the bot sends, can throttle.

botbuilder's ConnectorClient talks to `{serviceUrl}v3/conversations/...`; pointing an
activity's `serviceUrl` here makes the real SDK deliver replies, updates and new 1:1 chats to
this server, where tests read them.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TEAMS_MAX_UTF8 = 28 * 1024
TEAMS_MAX_UTF16 = 40 * 1024
ERROR_CODES = {429: "Throttled", 413: "MessageSizeTooBig"}


@dataclass(frozen=True)
class Call:
    """One request the connector accepted (throttled attempts are only counted)."""

    method: str
    kind: str  # "post", "reply", "update", "create" or "member"
    conversation_id: str
    activity_id: str | None  # or the member id of a member lookup
    body: dict[str, Any]

    @property
    def card(self) -> dict[str, Any]:
        """The Adaptive Card the activity carries."""
        attachments = self.body.get("attachments") or []
        assert attachments, f"no card in {self.body}"
        content: dict[str, Any] = attachments[0]["content"]
        return content


@dataclass
class FakeConnector:
    calls: list[Call] = field(default_factory=list)
    attempts: int = 0
    refused: list[int] = field(default_factory=list)
    _failures: deque[tuple[int, str | None]] = field(default_factory=deque)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    url: str = ""
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Who is in a conversation, by member id or AAD object id; conversations not listed here
    # hold everyone in `members`.
    rosters: dict[str, set[str]] = field(default_factory=dict)

    def fail_next(self, times: int, status: int = 429, retry_after: str | None = "0") -> None:
        """The next `times` requests answer `status` (with `Retry-After` when given)."""
        self._failures.extend([(status, retry_after)] * times)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._reply)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def of_kind(self, kind: str) -> list[Call]:
        return [call for call in self.calls if call.kind == kind]

    def _throttled(self) -> web.Response | None:
        self.attempts += 1
        if not self._failures:
            return None
        status, retry_after = self._failures.popleft()
        self.refused.append(status)
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        code = ERROR_CODES.get(status, "ServiceUnavailable")
        body = {"error": {"code": code, "message": "try again later"}}
        return web.json_response(body, status=status, headers=headers)

    def _too_big(self, raw: bytes) -> web.Response | None:
        """Teams refuses an activity over about 28 KB (40 KB counted as UTF-16) with 413."""
        text = raw.decode()
        if len(raw) <= TEAMS_MAX_UTF8 and len(text.encode("utf-16-le")) <= TEAMS_MAX_UTF16:
            return None
        self.refused.append(413)
        error = {"code": "MessageSizeTooBig", "message": "Message size too big"}
        return web.json_response({"error": error}, status=413)

    async def _record(self, request: web.Request, kind: str) -> tuple[web.Response | None, str]:
        refusal = self._throttled()
        if refusal is not None:
            return refusal, ""
        raw = await request.read() if request.can_read_body else b""
        too_big = self._too_big(raw)
        if too_big is not None:
            return too_big, ""
        body = json.loads(raw) if raw else {}
        conversation = request.match_info.get("conversation", "")
        activity = request.match_info.get("activity") or request.match_info.get("member")
        self.calls.append(Call(request.method, kind, conversation, activity, body))
        return None, f"activity-{next(self._ids)}"

    async def _post(self, request: web.Request) -> web.Response:
        refusal, new_id = await self._record(request, "post")
        return refusal or web.json_response({"id": new_id}, status=201)

    async def _reply(self, request: web.Request) -> web.Response:
        refusal, new_id = await self._record(request, "reply")
        return refusal or web.json_response({"id": new_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        refusal, _ = await self._record(request, "update")
        return refusal or web.json_response({"id": request.match_info["activity"]})

    async def _member(self, request: web.Request) -> web.Response:
        """Member lookup: `members` holds who exists; anyone else is not found, as in Teams."""
        refusal, _ = await self._record(request, "member")
        if refusal is not None:
            return refusal
        wanted = request.match_info["member"]
        member = self.members.get(wanted) or next(
            (m for m in self.members.values() if m.get("aadObjectId") == wanted), None
        )
        roster = self.rosters.get(request.match_info["conversation"])
        if member is not None and roster is not None:
            member = member if {member.get("id"), member.get("aadObjectId")} & roster else None
        if member is None:
            error = {"code": "MemberNotFoundInConversation", "message": "not a member"}
            return web.json_response({"error": error}, status=404)
        return web.json_response(member)

    async def _create(self, request: web.Request) -> web.Response:
        refusal, new_id = await self._record(request, "create")
        return refusal or web.json_response({"id": f"a:direct-{new_id}"}, status=201)
