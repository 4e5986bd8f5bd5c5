"""Where each core outcome goes in Slack: ephemeral, in channel, in place, or as a modal.

Every path has a fallback, so a reply is never silently lost: a `response_url` that fails falls
back to `chat.postEphemeral`, which falls back to a DM; a channel the bot cannot post in falls
back to the slash command's `response_url` (`in_channel`) or a DM.
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

from adapters.slack.blocks import dumps, modal
from adapters.slack.messenger import DELIVERY_EVENT, Outbox
from adapters.slack.translate import PLATFORM, ActionSource, MetadataTooLarge, private_metadata
from bot.events import Conversation
from bot.ports import Clock, SystemClock
from bot.replies import (
    Button,
    ButtonStyle,
    Form,
    FormErrors,
    Outcome,
    Reply,
    Visibility,
    buttons,
    reply,
    say,
    text,
)
from bot.server_key import ServerKey
from storage.db import Database
from storage.models.inbound import PendingForm
from storage.repositories import inbox

log = logging.getLogger(__name__)

OPEN_FORM_ACTION = "alignbot.slack.open_form"
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


def errors_reply(outcome: FormErrors) -> Reply:
    lines = "\n".join(f"• {name}: {problem}" for name, problem in outcome.errors.items())
    return say("That was not saved:\n", lines)


class Delivery:
    """Renders outcomes back to Slack for each kind of event that produced them."""

    def __init__(
        self,
        outbox: Outbox,
        db: Database,
        clock: Clock | None = None,
        *,
        key: ServerKey | None = None,
    ) -> None:
        self.outbox = outbox
        self.db = db
        self._clock = clock or SystemClock()
        self.key = key or ServerKey.ephemeral()  # seals modals' private_metadata

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
            await self.outbox.post(channel, answer, thread_ts)
            return
        payload = tag.next_payload()
        if tag.resumed and await self._posted_before(channel, thread_ts, payload, tag):
            log.info("slack reply for %s was posted before the restart; not again", tag.key)
            return
        metadata = {"event_type": DELIVERY_EVENT, "event_payload": payload}
        await self.outbox.post(channel, answer, thread_ts, metadata=metadata)

    async def _post_direct(self, user: str, answer: Reply) -> None:
        if answering.get() is None:
            await self.outbox.direct(user, answer)
            return
        await self._post(await self.outbox.open_direct(user), answer, None)

    async def _posted_before(
        self, channel: str, thread_ts: str | None, payload: dict[str, Any], tag: ReplyTag
    ) -> bool:
        try:
            found = await self.outbox.find_by_metadata(channel, thread_ts, payload, tag.since)
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
            attempts.append(lambda: self.outbox.respond(response_url, answer))
        channel = conversation.channel_id
        if channel and conversation.is_direct and channel.startswith("D"):
            attempts.append(lambda: self._post(channel, answer, conversation.thread_id))
        elif channel:
            attempts.append(
                lambda: self.outbox.ephemeral(channel, user, answer, conversation.thread_id)
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
            attempts.append(lambda: self.outbox.respond(response_url, answer, in_channel=True))
        attempts.append(self._direct(user, answer))
        return await self._first("channel reply", attempts)

    async def reply(
        self,
        conversation: Conversation,
        user: str,
        answer: Reply,
        response_url: str | None = None,
    ) -> bool:
        if answer.visibility is Visibility.CHANNEL:
            return await self.public(conversation, user, answer, response_url)
        return await self.private(conversation, user, answer, response_url)

    async def open_form(
        self,
        trigger_id: str | None,
        form: Form,
        conversation: Conversation,
        user: str,
        response_url: str | None = None,
    ) -> bool:
        """A modal when Slack gave a trigger; otherwise a button that opens it."""
        try:
            view = modal(form, private_metadata(form, conversation, user, self.key))
        except MetadataTooLarge as error:
            log.error("cannot open form: %s", error)
            sorry = say("Sorry, that form is too large to open in Slack.")
            return await self.private(conversation, user, sorry, response_url)
        if not trigger_id:
            button = await self._offer(form, view)
            return await self.private(conversation, user, button)
        return await self.open_view(trigger_id, view, conversation, user, response_url)

    async def open_view(
        self,
        trigger_id: str,
        view: dict[str, Any],
        conversation: Conversation,
        user: str,
        response_url: str | None = None,
    ) -> bool:
        try:
            await self.outbox.open_modal(trigger_id, view)
            return True
        except DELIVERY_ERRORS as error:
            log.warning("views.open failed for %s: %s", view.get("callback_id"), error)
            retry = say("I could not open the form in time. Please try again.")
            return await self.private(conversation, user, retry, response_url)

    async def outcome(
        self,
        outcome: Outcome,
        conversation: Conversation,
        user: str,
        *,
        trigger_id: str | None = None,
        response_url: str | None = None,
    ) -> None:
        """Commands and messages: the outcome goes back where the person asked."""
        match outcome:
            case Reply():
                await self.reply(conversation, user, outcome, response_url)
            case Form():
                await self.open_form(trigger_id, outcome, conversation, user, response_url)
            case FormErrors():
                await self.private(conversation, user, errors_reply(outcome), response_url)
            case None:
                return

    # Buttons -----------------------------------------------------------------------------

    async def action_outcome(
        self,
        outcome: Outcome,
        conversation: Conversation,
        user: str,
        source: ActionSource,
        trigger_id: str | None,
    ) -> None:
        """Like `outcome`, and `replace_original` updates the message the button was on."""
        if isinstance(outcome, Reply) and outcome.replace_original:
            await self._replace(outcome, conversation, user, source)
            return
        await self.outcome(
            outcome,
            conversation,
            user,
            trigger_id=trigger_id,
            response_url=source.response_url,
        )

    async def _replace(
        self, answer: Reply, conversation: Conversation, user: str, source: ActionSource
    ) -> None:
        attempts: list[Attempt] = []
        channel, ts, url = source.channel_id, source.message_ts, source.response_url
        if channel and ts and not source.is_ephemeral:
            attempts.append(lambda: self.outbox.update(channel, ts, answer))
        if url:
            attempts.append(lambda: self.outbox.respond(url, answer, replace_original=True))
        if not await self._first("message update", attempts):
            await self.reply(conversation, user, answer, url)

    # Forms without a trigger -------------------------------------------------------------

    async def _offer(self, form: Form, view: dict[str, Any]) -> Reply:
        """DMs and mentions carry no trigger_id: a button click brings one. The rendered modal
        is stored, so whichever replica receives the click can open it."""
        token = secrets.token_urlsafe(12)
        expires = self._clock.now() + PENDING_FORM_TTL
        pending = PendingForm(
            token=token, platform=PLATFORM, content=dumps(view), expires_at=expires
        )
        async with self.db.transaction() as session:
            await inbox.offer_form(session, pending)
        label = form.title or "Open the form"
        return reply(
            text(f"{label}: press the button to fill it in."),
            buttons(Button("Open form", OPEN_FORM_ACTION, token, ButtonStyle.PRIMARY)),
        )

    async def take_pending(self, token: str) -> dict[str, Any] | None:
        """The modal offered behind `token`: once, until it expires."""
        async with self.db.transaction() as session:
            content = await inbox.take_form(session, token, self._clock.now())
        view = json.loads(content) if content else None
        return view if isinstance(view, dict) else None
