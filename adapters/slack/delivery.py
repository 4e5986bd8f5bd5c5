"""How a reply the renderer chose reaches Slack: privately, in the channel, in place, or a modal.

Every route has a fallback, so a reply is never silently lost: a `response_url` that fails falls
back to `chat.postEphemeral`, which falls back to a DM; a channel the bot cannot post in falls
back to the slash command's `response_url` (`in_channel`) or a DM. Which route an outcome takes
is decided in `adapters/slack/render.py`.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackClientError

from adapters.slack.blocks import dumps
from adapters.slack.messenger import DELIVERY_EVENT, SlackWebApi
from adapters.slack.translate import PLATFORM, ActionSource
from bot.events import Conversation
from bot.ports import Clock, SystemClock
from bot.replies import Reply
from storage.db import Database
from storage.models.inbound import PendingForm
from storage.repositories import inbox

log = logging.getLogger(__name__)

PENDING_FORM_TTL = timedelta(minutes=15)
Attempt = Callable[[], Awaitable[object]]
DELIVERY_ERRORS = (SlackClientError, ClientError, OSError, TimeoutError)


@dataclass
class ReplyTag:
    """Names the inbox delivery being answered. Posts carry it as Slack message metadata, so a
    delivery resumed after a crash finds a reply that was posted but not yet recorded, instead
    of posting it twice (ephemeral and `response_url` replies cannot be looked up)."""

    key: str
    since: float  # when the delivery arrived (epoch seconds): the history to search
    resumed: bool
    posts: int = 0

    def next_payload(self) -> dict[str, Any]:
        self.posts += 1
        return {"key": f"{self.key}#{self.posts}"}


answering: ContextVar[ReplyTag | None] = ContextVar("answering", default=None)


class SlackRoutes:
    """Slack routes for a chosen reply, each with its fallbacks."""

    def __init__(self, web_api: SlackWebApi, db: Database, clock: Clock | None = None) -> None:
        self.web_api = web_api
        self.db = db
        self._clock = clock or SystemClock()

    # Generic paths -----------------------------------------------------------------------

    async def _first(self, what: str, attempts: list[Attempt]) -> bool:
        """Tries each way of delivering in turn; True once one works."""
        for attempt in attempts:
            try:
                await attempt()
                return True
            except DELIVERY_ERRORS as error:
                log.warning("slack %s attempt failed: %s", what, error)
        log.error("slack %s could not be delivered by any route", what)
        return False

    def _direct(self, user: str, answer: Reply) -> Attempt:
        return lambda: self._post_direct(user, answer)

    async def _post(self, channel: str, answer: Reply, thread_ts: str | None) -> None:
        """A post that a resumed delivery recognises (see `ReplyTag`) instead of repeating."""
        tag = answering.get()
        if tag is None:
            await self.web_api.post(channel, answer, thread_ts)
            return
        payload = tag.next_payload()
        if tag.resumed and await self._posted_before(channel, thread_ts, payload, tag):
            log.info("slack reply for %s was posted before the restart; not again", tag.key)
            return
        metadata = {"event_type": DELIVERY_EVENT, "event_payload": payload}
        await self.web_api.post(channel, answer, thread_ts, metadata=metadata)

    async def _post_direct(self, user: str, answer: Reply) -> None:
        if answering.get() is None:
            await self.web_api.direct(user, answer)
            return
        await self._post(await self.web_api.open_direct(user), answer, None)

    async def _posted_before(
        self, channel: str, thread_ts: str | None, payload: dict[str, Any], tag: ReplyTag
    ) -> bool:
        try:
            found = await self.web_api.find_by_metadata(channel, thread_ts, payload, tag.since)
        except DELIVERY_ERRORS as error:  # no history scope here: post, at least once
            log.warning("slack: cannot look for an earlier reply in %s: %s", channel, error)
            return False
        return found is not None

    async def private(
        self,
        conversation: Conversation,
        user: str,
        answer: Reply,
        response_url: str | None = None,
    ) -> bool:
        """Only `user` sees it: response_url, else an ephemeral message, else a DM."""
        attempts: list[Attempt] = []
        if response_url:
            attempts.append(lambda: self.web_api.respond(response_url, answer))
        channel = conversation.channel_id
        if channel and conversation.is_direct and channel.startswith("D"):
            attempts.append(lambda: self._post(channel, answer, conversation.thread_id))
        elif channel:
            attempts.append(
                lambda: self.web_api.ephemeral(channel, user, answer, conversation.thread_id)
            )
        attempts.append(self._direct(user, answer))
        return await self._first("private reply", attempts)

    async def public(
        self,
        conversation: Conversation,
        user: str,
        answer: Reply,
        response_url: str | None = None,
    ) -> bool:
        """Everyone in the conversation sees it, posted as the bot (so it can be updated)."""
        attempts: list[Attempt] = []
        channel = conversation.channel_id
        if channel:
            attempts.append(lambda: self._post(channel, answer, conversation.thread_id))
        if response_url:
            attempts.append(lambda: self.web_api.respond(response_url, answer, in_channel=True))
        attempts.append(self._direct(user, answer))
        return await self._first("channel reply", attempts)

    async def replace(self, answer: Reply, source: ActionSource) -> bool:
        """Updates the message a button was on: in place, else through its response_url."""
        attempts: list[Attempt] = []
        channel, ts, url = source.channel_id, source.message_ts, source.response_url
        if channel and ts and not source.is_ephemeral:
            attempts.append(lambda: self.web_api.update(channel, ts, answer))
        if url:
            attempts.append(lambda: self.web_api.respond(url, answer, replace_original=True))
        return await self._first("message update", attempts)

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> bool:
        try:
            await self.web_api.open_modal(trigger_id, view)
            return True
        except DELIVERY_ERRORS as error:
            log.warning("views.open failed for %s: %s", view.get("callback_id"), error)
            return False

    # Forms without a trigger -------------------------------------------------------------

    async def offer(self, view: dict[str, Any]) -> str:
        """Stores a rendered modal for a button to open later (DMs and mentions carry no
        trigger_id), so whichever replica receives the click can open it; its token."""
        token = secrets.token_urlsafe(12)
        expires = self._clock.now() + PENDING_FORM_TTL
        pending = PendingForm(
            token=token, platform=PLATFORM, content=dumps(view), expires_at=expires
        )
        async with self.db.transaction() as session:
            await inbox.offer_form(session, pending)
        return token

    async def take_pending(self, token: str) -> dict[str, Any] | None:
        """The modal offered behind `token`: once, until it expires."""
        async with self.db.transaction() as session:
            content = await inbox.take_form(session, token, self._clock.now())
        view = json.loads(content) if content else None
        return view if isinstance(view, dict) else None
