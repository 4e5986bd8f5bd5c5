"""Signed requests exactly as Slack sends them, to the real aiohttp app on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession, web

from adapters.slack import SLACK_ADAPTER
from adapters.slack.adapter import SlackAdapter
from bot.app import AlignBot
from tests.support.fake_slack import TEAM, FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def sign(secret: str, timestamp: int, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Reply:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


@dataclass
class SlackHarness:
    """Plays Slack's side: builds payloads, signs them, posts them to /slack/events."""

    url: str
    session: ClientSession
    fake: FakeSlack
    bot: AlignBot
    app: web.Application
    secret: str = SECRET
    sent: list[tuple[str, str]] = field(default_factory=list)  # body, content type
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def adapter(self) -> SlackAdapter:
        return self.app[SLACK_ADAPTER]

    async def settle(self) -> None:
        """Waits until the work done after each ack has finished."""
        await self.adapter.wait_idle()

    async def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        self.sent.append((body, content_type))
        ts = int(time.time()) if timestamp is None else timestamp
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature or sign(self.secret, ts, body),
            **(headers or {}),
        }
        async with self.session.post(self.url, data=body.encode(), headers=sent) as response:
            return Reply(response.status, await response.text())

    async def replay(self, times: int) -> list[Reply]:
        """The last request sent again, byte for byte and freshly signed, as Slack retries it
        (or as anyone inside the signature window could)."""
        body, content_type = self.sent[-1]
        return [await self.send(body, content_type) for _ in range(times)]

    # Slash commands ----------------------------------------------------------------------

    def command_body(
        self,
        line: str,
        user: str = "U1",
        channel: str = "C1",
        response: str = "r1",
        team: str = TEAM,
        **extra: str,
    ) -> str:
        name, _, text = line.partition(" ")
        return urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": team,
                "team_domain": "test",
                "channel_id": channel,
                "channel_name": "directmessage" if channel.startswith("D") else "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": name,
                "text": text,
                "api_app_id": "A1",
                "is_enterprise_install": "false",
                "response_url": self.fake.response_url(response),
                "trigger_id": f"trigger-{next(self._ids)}",
                **extra,
            }
        )

    async def command(self, line: str, **kwargs: Any) -> Reply:
        body = self.command_body(line, **kwargs)
        return await self.send(body, "application/x-www-form-urlencoded")

    # Interactivity -----------------------------------------------------------------------

    async def interaction(self, payload: dict[str, Any], **kwargs: Any) -> Reply:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.send(body, "application/x-www-form-urlencoded", **kwargs)

    def _user(self, user: str) -> dict[str, Any]:
        return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM}

    async def click(
        self,
        posted: dict[str, Any],
        action_id: str,
        *,
        value: str | None = None,
        user: str = "U1",
        channel: str = "C1",
        ts: str = "1700000001.000001",
        ephemeral: bool = False,
        response: str = "r2",
    ) -> Reply:
        """Uses the button (or picks `value` in the menu) `action_id` of a posted message."""
        element = _element(posted["blocks"], action_id)
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": "b1",
            "type": element["type"],
            "action_ts": "1700000100.000000",
        }
        if element["type"] == "button":
            action["value"] = element.get("value", "")
        else:
            option = next(o for o in element["options"] if o["value"] == value)
            action["selected_option"] = option
        payload = {
            "type": "block_actions",
            "user": self._user(user),
            "api_app_id": "A1",
            "token": "legacy",
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "trigger_id": f"trigger-{next(self._ids)}",
            "team": {"id": TEAM, "domain": "test"},
            "channel": {"id": channel, "name": "general"},
            "message": {"type": "message", "ts": ts, "blocks": posted["blocks"]},
            "response_url": self.fake.response_url(response),
            "actions": [action],
        }
        return await self.interaction(payload)

    async def submit(self, view: dict[str, Any], values: dict[str, Any], user: str = "U1") -> Reply:
        """Submits a modal that `views.open` received, with `values` per input (block id)."""
        state: dict[str, Any] = {}
        for block in view["blocks"]:
            if block["type"] != "input":
                continue
            element = block["element"]
            state[block["block_id"]] = {
                element["action_id"]: _state(element, values.get(block["block_id"]))
            }
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "test"},
            "user": self._user(user),
            "api_app_id": "A1",
            "token": "legacy",
            "trigger_id": f"trigger-{next(self._ids)}",
            "view": {**view, "id": "V1", "state": {"values": state}},
            "response_urls": [],
        }
        return await self.interaction(payload)

    # Events API --------------------------------------------------------------------------

    def event_body(self, event: dict[str, Any], event_id: str, team: str = TEAM) -> str:
        return json.dumps(
            {
                "token": "legacy",
                "team_id": team,
                "api_app_id": "A1",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
            }
        )

    async def event(
        self,
        event: dict[str, Any],
        event_id: str = "Ev1",
        retry: int | None = None,
        team: str = TEAM,
    ) -> Reply:
        headers = {}
        if retry is not None:
            headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        body = self.event_body(event, event_id, team)
        return await self.send(body, "application/json", headers=headers)

    async def dm(self, text: str, user: str = "U1", event_id: str = "Ev1", **extra: Any) -> Reply:
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": f"D{user}",
            "user": user,
            "text": text,
            "ts": f"1700000{next(self._ids):03d}.000100",
            **extra,
        }
        return await self.event(event, event_id)

    async def mention(
        self, text: str, user: str = "U1", channel: str = "C1", event_id: str = "Ev1"
    ) -> Reply:
        event = {
            "type": "app_mention",
            "channel": channel,
            "user": user,
            "text": f"<@UBOT> {text}",
            "ts": f"1700000{next(self._ids):03d}.000200",
        }
        return await self.event(event, event_id)


def initial_values(view: dict[str, Any]) -> dict[str, Any]:
    """What a person submitting the modal unchanged would send: its initial values."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        if "initial_option" in element:
            value: Any = element["initial_option"]["value"]
        elif "initial_options" in element:
            value = [o["value"] for o in element["initial_options"]]
        else:
            keys = ("initial_value", "initial_date", "initial_time", "initial_users")
            value = next((element[k] for k in keys if k in element), None)
            value = element.get("initial_conversation", value)
        values[block["block_id"]] = value
    return values


def _element(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no element {action_id!r} in {blocks}")


def _state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = element["type"]
    match kind:
        case "static_select":
            chosen = [o for o in element["options"] if o["value"] == value]
            return {"type": kind, "selected_option": chosen[0] if chosen else None}
        case "multi_static_select":
            wanted = value or []
            return {
                "type": kind,
                "selected_options": [o for o in element["options"] if o["value"] in wanted],
            }
        case "datepicker":
            return {"type": kind, "selected_date": value}
        case "timepicker":
            return {"type": kind, "selected_time": value}
        case "multi_users_select":
            return {"type": kind, "selected_users": value or []}
        case "conversations_select":
            return {"type": kind, "selected_conversation": value}
        case _:
            return {"type": kind, "value": value}
