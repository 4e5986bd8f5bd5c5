"""The bolt app: Slack requests in, core events to the bot, outcomes back out.

Bolt runs with `process_before_response=True`: each listener parses the payload, acks, and hands
the slow work (users.info, the core, posting) to a tracked background task before returning, so
Slack always gets its answer well inside 3 s and shutdown can wait for work in flight. Only
modal submissions run the core before acking, because validation errors travel in the ack.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import socket
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiohttp import ClientSession, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from sqlalchemy import delete
from sqlmodel import col

from adapters.slack import translate
from adapters.slack.blocks import modal, modal_errors
from adapters.slack.delivery import OPEN_FORM_ACTION, Delivery, errors_reply
from adapters.slack.messenger import Outbox, SlackMessenger, web_client
from adapters.slack.people import Directory
from adapters.slack.signature import SignatureGate
from bot.app import AlignBot
from bot.events import Conversation, Submission
from bot.replies import Form, FormErrors, Outcome, Reply, say
from bot.settings import Settings
from storage.models.jobs import JobClaim
from storage.repositories import jobs

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[Any]]
Body = dict[str, Any]
EVENT_CLAIM_LEASE = timedelta(minutes=10)
EVENT_KEY_PREFIX = "slack:event:"
EVENT_CLAIM_RETENTION = timedelta(days=1)  # Slack stops retrying an event after minutes
PRUNE_EVERY = 3600.0
SHUTDOWN_GRACE = 10.0
SUBMISSION_BUDGET = 2.5  # seconds the core may take before a modal must be acked anyway
ANY = re.compile(r".+")


class SlackAdapter:
    """One bolt `AsyncApp` serving both the HTTP endpoint and Socket Mode."""

    def __init__(self, bot: AlignBot, settings: Settings) -> None:
        assert settings.slack_bot_token is not None
        self.bot = bot
        self.settings = settings
        self.client = web_client(settings.slack_bot_token, settings.slack_api_url)
        self.app = AsyncApp(  # the client carries the bot token (single-workspace install)
            signing_secret=settings.slack_signing_secret or "",
            client=self.client,
            process_before_response=True,
            logger=logging.getLogger("slack_bolt"),
        )
        self.gate = SignatureGate(settings.slack_signing_secret)
        self.outbox = Outbox(self.client)
        self.messenger = SlackMessenger(self.outbox)
        self.delivery = Delivery(self.outbox)
        self.directory = Directory(self.client)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._tasks: set[asyncio.Task[None]] = set()
        self._socket_mode: AsyncSocketModeHandler | None = None
        self._pruner: asyncio.Future[None] | None = None
        self._register()

    def _register(self) -> None:
        app = self.app
        app.command(ANY)(self._on_command)
        app.action(OPEN_FORM_ACTION)(self._on_open_form)
        app.action(re.compile(r".*"))(self._on_action)
        app.view_submission(re.compile(r".*"))(self._on_submission)
        app.event("app_mention")(self._on_mention)
        app.event("message")(self._on_direct_message)
        app.event(ANY)(self._on_ignored_event)

    # Lifecycle ---------------------------------------------------------------------------

    async def handle_http(self, request: web.Request) -> web.Response:
        """POST /slack/events: refused unread unless Slack signed it (401), then bolt."""
        if not await self.gate.admits(request):
            return self.gate.refuse()
        try:
            bolt_request = await to_bolt_request(request)
        except ValueError:  # not UTF-8, or a payload bolt cannot parse
            return self.gate.unreadable()
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    async def start(self, _app: web.Application) -> None:
        self.client.session = ClientSession()
        self._pruner = asyncio.ensure_future(self._prune_forever())
        if self.settings.slack_app_token:
            self._socket_mode = AsyncSocketModeHandler(self.app, self.settings.slack_app_token)
            await self._socket_mode.connect_async()  # type: ignore[no-untyped-call]
            log.info("slack socket mode connected")

    async def stop(self, _app: web.Application) -> None:
        if self._pruner is not None:
            self._pruner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pruner
            self._pruner = None
        if self._socket_mode is not None:
            await self._socket_mode.close_async()  # type: ignore[no-untyped-call]
            self._socket_mode = None
        try:
            async with asyncio.timeout(SHUTDOWN_GRACE):
                await self.wait_idle()
        except TimeoutError:
            log.warning("slack: %d replies still in flight at shutdown", len(self._tasks))
        session = self.client.session
        self.client.session = None
        if session is not None:
            await session.close()

    async def wait_idle(self) -> None:
        """Waits for replies still being worked on (shutdown, tests)."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(self._guarded(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, work: Awaitable[None]) -> None:
        """Background work never lets an exception escape unlogged."""
        try:
            await work
        except Exception:
            log.exception("slack background work failed")

    # Slash commands ----------------------------------------------------------------------

    async def _on_command(self, ack: Ack, body: Body) -> None:
        await ack()
        self._spawn(self._answer_command(body))

    async def _answer_command(self, body: Body) -> None:
        user_id, user_name = translate.command_user(body)
        actor = await self.directory.actor(translate.team_of(body), user_id, user_name)
        command = translate.command(body, actor)
        outcome = await self.bot.handle(command)
        await self.delivery.outcome(
            outcome,
            command.conversation,
            user_id,
            trigger_id=command.trigger_id,
            response_url=body.get("response_url"),
        )

    # Buttons and menus -------------------------------------------------------------------

    async def _on_action(self, ack: Ack, body: Body) -> None:
        await ack()
        if (body.get("container") or {}).get("type") == "view":
            return  # inputs inside our own modals report on submit, not on change
        self._spawn(self._answer_action(body))

    async def _answer_action(self, body: Body) -> None:
        user_id, user_name = translate.interaction_user(body)
        actor = await self.directory.actor(translate.team_of(body), user_id, user_name)
        source = translate.action_source(body)
        for action in translate.actions(body, actor):
            outcome = await self.bot.handle(action)
            await self.delivery.action_outcome(
                outcome, action.conversation, user_id, source, action.trigger_id
            )

    async def _on_open_form(self, ack: Ack, body: Body) -> None:
        await ack()
        self._spawn(self._open_pending_form(body))

    async def _open_pending_form(self, body: Body) -> None:
        user_id, _ = translate.interaction_user(body)
        source = translate.action_source(body)
        token = str((body.get("actions") or [{}])[0].get("value", ""))
        pending = self.delivery.take_pending(token)
        if pending is None:
            conversation = Conversation("slack", translate.team_of(body), source.channel_id)
            expired = say("That form has expired; please ask again.")
            await self.delivery.private(conversation, user_id, expired, source.response_url)
            return
        await self.delivery.open_form(
            body.get("trigger_id"), pending.form, pending.conversation, user_id
        )

    # Modal submissions -------------------------------------------------------------------

    async def _on_submission(self, ack: Ack, body: Body) -> None:
        """The core answers first (errors must travel in the ack), within a time budget."""
        acked = False
        try:
            work = asyncio.ensure_future(self._submit(body))
            try:
                submission, outcome = await asyncio.wait_for(
                    asyncio.shield(work), SUBMISSION_BUDGET
                )
            except TimeoutError:
                await ack()
                acked = True
                self._spawn(self._late_submission(work))
                return
            acked = await self._ack_submission(ack, body, outcome, submission.conversation)
            if isinstance(outcome, Reply):
                user = submission.actor.user_id
                self._spawn(self._reply(submission.conversation, user, outcome))
        except Exception:
            log.exception("slack view_submission failed")
        finally:
            if not acked:
                await ack()

    async def _submit(self, body: Body) -> tuple[Submission, Outcome]:
        user_id, user_name = translate.interaction_user(body)
        actor = await self.directory.actor(translate.team_of(body), user_id, user_name)
        submission = translate.submission(body, actor)
        return submission, await self.bot.handle(submission)

    async def _ack_submission(
        self, ack: Ack, body: Body, outcome: Outcome, conversation: Conversation
    ) -> bool:
        match outcome:
            case FormErrors():
                errors = modal_errors(outcome.errors, translate.input_block_ids(body))
                await ack(response_action="errors", errors=errors)
            case Form():
                metadata = translate.private_metadata(outcome, conversation)
                await ack(response_action="update", view=modal(outcome, metadata))
            case _:
                await ack()
        return True

    async def _reply(self, conversation: Conversation, user: str, answer: Reply) -> None:
        await self.delivery.reply(conversation, user, answer)

    async def _late_submission(self, work: asyncio.Future[tuple[Submission, Outcome]]) -> None:
        """The core took longer than the ack budget: its answer arrives as a message."""
        submission, outcome = await work
        user = submission.actor.user_id
        if isinstance(outcome, FormErrors):
            await self.delivery.private(submission.conversation, user, errors_reply(outcome))
        elif isinstance(outcome, Reply):
            await self.delivery.reply(submission.conversation, user, outcome)

    # Events API --------------------------------------------------------------------------

    async def _on_mention(self, body: Body, event: Body) -> None:
        if translate.is_from_person(event):
            self._spawn(self._answer_message(body, event))

    async def _on_direct_message(self, body: Body, event: Body) -> None:
        if event.get("channel_type") == "im" and translate.is_from_person(event):
            self._spawn(self._answer_message(body, event))

    async def _on_ignored_event(self) -> None:
        """Acknowledged (bolt acks events) so Slack does not retry what we never handle."""

    async def _answer_message(self, body: Body, event: Body) -> None:
        delivery_id = body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"
        key = f"{EVENT_KEY_PREFIX}{delivery_id}"
        if not await self._claim(key):
            log.info("slack event %s already handled (retried delivery)", key)
            return
        team = translate.team_of(body) or str(event.get("team", ""))
        user_id = str(event["user"])
        actor = await self.directory.actor(team, user_id)
        incoming = translate.message(event, actor)
        outcome = await self.bot.handle(incoming)
        try:
            await self.delivery.outcome(outcome, incoming.conversation, user_id)
        finally:
            await self._complete(key)

    async def _claim(self, key: str) -> bool:
        """Slack redelivers events it thinks we missed; the claim lets one delivery through."""
        async with self.bot.ctx.db.transaction() as session:
            now = self.bot.ctx.clock.now()
            return await jobs.claim(session, key, self.owner, now, EVENT_CLAIM_LEASE)

    async def _complete(self, key: str) -> None:
        async with self.bot.ctx.db.transaction() as session:
            await jobs.complete(session, key, self.owner, self.bot.ctx.clock.now())

    async def prune_event_claims(self) -> int:
        """Forgets delivery claims older than Slack's retry window, so the table stays small."""
        cutoff = self.bot.ctx.clock.now() - EVENT_CLAIM_RETENTION
        statement = delete(JobClaim).where(
            col(JobClaim.key).startswith(EVENT_KEY_PREFIX), col(JobClaim.claimed_at) < cutoff
        )
        async with self.bot.ctx.db.transaction() as session:
            result: Any = await session.exec(statement)
            return int(result.rowcount or 0)

    async def _prune_forever(self) -> None:
        while True:
            await asyncio.sleep(PRUNE_EVERY)
            try:
                await self.prune_event_claims()
            except Exception:
                log.exception("slack: pruning old event claims failed")
