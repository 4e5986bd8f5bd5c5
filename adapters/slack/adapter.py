"""The bolt app: Slack requests in, core events to the bot, outcomes back out.

Bolt runs with `process_before_response=True`: each listener stores the delivery in the durable
inbox under its de-duplication key (one short transaction), acks, and starts the work (users.info,
the core, posting) in the background, so Slack gets its answer well inside 3 s, a redelivery to
any replica is handled once, and work cut off by a shutdown or crash is resumed from the inbox.
Only modal submissions run the core before acking, because validation errors travel in the ack;
their de-duplication key makes a replayed submission change nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiohttp import ClientSession, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from adapters.slack import translate
from adapters.slack.delivery import ReplyTag, SlackRoutes, answering
from adapters.slack.distribution import Distribution
from adapters.slack.messenger import SlackMessenger, SlackWebApi, web_client
from adapters.slack.people import Directory
from adapters.slack.render import (
    EXPIRED,
    NOT_OPENED,
    OPEN_FORM_ACTION,
    AckBody,
    SlackRenderer,
    Surface,
    Where,
)
from adapters.slack.signature import SignatureGate
from adapters.slack.workspace import ClientSource, FixedClient, current_workspace, workspace_of
from bot import homes, logs
from bot.app import AlignBot
from bot.events import Actor, Conversation, Submission
from bot.inbox import payload_of
from bot.metrics import request_kind
from bot.ports import Renderer
from bot.replies import Outcome, say
from bot.server_key import server_key
from bot.settings import Settings
from storage.models.inbound import InboxItem

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[Any]]
Body = dict[str, Any]
SUBMISSION_BUDGET = 2.5  # seconds the core may take before a modal must be acked anyway
ANY = re.compile(r".+")
COMMAND, ACTION, EVENT, SUBMISSION = "command", "action", "event", "submission"
SHORTCUT = "shortcut"


def delivery_key(kind: str, body: Body) -> str:
    """What makes a delivery the same one again: Slack's event id for events; for commands and
    interactions the trigger id Slack mints per use (a replayed payload carries the same one),
    else a digest of the whole signed payload."""
    if kind == EVENT:
        event = body.get("event") or {}
        unique = body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"
    else:
        unique = (
            body.get("trigger_id")
            or hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        )
    return f"slack:{kind}:{unique}"


class SlackAdapter:
    """One bolt `AsyncApp` serving both the HTTP endpoint and Socket Mode."""

    def __init__(self, bot: AlignBot, settings: Settings) -> None:
        self.bot = bot
        self.settings = settings
        # OAuth mode: `self.client` has no token (bolt's base client); every call made for a
        # workspace goes through `self.clients` (one client per installation), as the
        # Web API calls, the directory and the messenger do. Single-token mode: one client for all.
        self.distribution: Distribution | None = None
        if settings.slack_oauth:
            self.distribution = Distribution(bot.ctx, settings)
            self.client = self.distribution.api
            self.clients: ClientSource = self.distribution.clients
            oauth: dict[str, Any] = {"oauth_settings": self.distribution.oauth_settings}
        else:
            assert settings.slack_bot_token is not None
            self.client = web_client(settings.slack_bot_token, settings.slack_api_url, bot.metrics)
            self.clients = FixedClient(self.client)
            oauth = {}
        self.app = AsyncApp(
            signing_secret=settings.slack_signing_secret or "",
            client=self.client,
            process_before_response=True,
            logger=logging.getLogger("slack_bolt"),
            **oauth,
        )
        self.gate = SignatureGate(settings.slack_signing_secret)
        self.web_api = SlackWebApi(self.clients, bot.metrics)
        self.messenger = SlackMessenger(self.web_api)
        self.key = server_key(settings)  # seals private_metadata
        self.routes = SlackRoutes(self.web_api, bot.ctx.db, bot.ctx.clock)
        self.renderer: Renderer[Where, Surface, AckBody | None] = SlackRenderer(
            self.routes, self.key
        )
        self.directory = Directory(self.clients)
        self._socket_mode: AsyncSocketModeHandler | None = None
        self._register()
        bot.inbox.register(translate.PLATFORM, self._process)

    def _register(self) -> None:
        app = self.app
        app.command(ANY)(self._on_command)
        app.action(re.compile(r".*"))(self._on_action)
        app.view_submission(re.compile(r".*"))(self._on_submission)
        app.shortcut(re.compile(r".*"))(self._on_shortcut)
        app.event("app_mention")(self._on_mention)
        app.event("message")(self._on_direct_message)
        app.event("app_home_opened")(self._on_home_opened)
        if self.distribution is not None:
            app.event("app_uninstalled")(self.distribution.on_app_uninstalled)
            app.event("tokens_revoked")(self.distribution.on_tokens_revoked)
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
        if self.distribution is not None:
            self.distribution.clients.session = self.client.session
        if self.settings.slack_app_token:
            self._socket_mode = AsyncSocketModeHandler(self.app, self.settings.slack_app_token)
            await self._socket_mode.connect_async()  # type: ignore[no-untyped-call]
            log.info("slack socket mode connected")

    async def stop(self, _app: web.Application) -> None:
        """Runs after the inbox drained (see `adapters.server`): only connections are left."""
        if self._socket_mode is not None:
            await self._socket_mode.close_async()  # type: ignore[no-untyped-call]
            self._socket_mode = None
        session = self.client.session
        self.client.session = None
        if session is not None:
            await session.close()

    async def wait_idle(self) -> None:
        """Waits for replies still being worked on (tests, benchmarks)."""
        await self.bot.inbox.wait_idle()

    # The inbox ---------------------------------------------------------------------------

    async def _admit_then_ack(self, ack: Ack | None, kind: str, body: Body) -> None:
        """Stored before the ack goes out (bolt sends it when the listener returns); a failed
        write raises, so Slack gets an error instead of an ack for work we would lose."""
        request_kind(kind)
        with logs.bound(**log_fields(body)):
            key = delivery_key(kind, body)
            item = await self.bot.inbox.admit(key, translate.PLATFORM, kind, body)
            if ack is not None:
                await ack()
            if item is None:
                log.info("slack delivery %s already handled or in hand (redelivered)", key)
                return
            self.bot.inbox.start(item)

    async def _process(self, item: InboxItem) -> None:
        """Answers one stored delivery: right after its ack, or resumed after a restart."""
        body = payload_of(item)
        logs.bind(**log_fields(body))  # this task answers this one delivery
        resumed = item.attempts > 1
        answering.set(ReplyTag(item.key, item.received_at.timestamp() - 1, resumed))
        current_workspace.set(workspace_of(body))  # answered with that installation's token
        match item.kind:
            case "command":
                await self._answer_command(body)
            case "action" if _first_action_id(body) == OPEN_FORM_ACTION:
                await self._open_pending_form(body)
            case "action":
                await self._answer_action(body)
            case "shortcut":
                await self._answer_shortcut(body)
            case "event" if (body.get("event") or {}).get("type") == "app_home_opened":
                await self._publish_home(translate.team_of(body), str(body["event"]["user"]))
            case "event":
                await self._answer_message(body, body.get("event") or {})
            case _:
                log.warning("slack: stored delivery %s of unknown kind %s", item.key, item.kind)

    # Slash commands ----------------------------------------------------------------------

    async def _on_command(self, ack: Ack, body: Body) -> None:
        await self._admit_then_ack(ack, COMMAND, body)

    async def _answer_command(self, body: Body) -> None:
        user_id, user_name = translate.command_user(body)
        actor = await self.directory.actor(translate.team_of(body), user_id, user_name)
        command = translate.command(body, actor)
        outcome = await self.bot.handle(command)
        where = Where(command.conversation, user_id, command.trigger_id, body.get("response_url"))
        await self.renderer.render(outcome, where, Surface.CONVERSATION)

    # Buttons and menus -------------------------------------------------------------------

    async def _on_action(self, ack: Ack, body: Body) -> None:
        if (body.get("container") or {}).get("type") == "view" and not translate.on_home(body):
            request_kind(ACTION)
            await ack()  # inputs inside our own modals report on submit, not on change
            return
        await self._admit_then_ack(ack, ACTION, body)

    async def _answer_action(self, body: Body) -> None:
        user_id, user_name = translate.interaction_user(body)
        actor = await self.directory.actor(translate.team_of(body), user_id, user_name)
        source = translate.action_source(body)
        on_home = translate.on_home(body)
        for action in translate.actions(body, actor):
            outcome = await self.bot.handle(action)
            where = Where(
                action.conversation,
                user_id,
                action.trigger_id,
                source.response_url,
                source=source,
                on_home=on_home,
            )
            await self.renderer.render(outcome, where, Surface.MESSAGE_BUTTON)
        if on_home:
            await self._publish_home(actor.workspace_id, user_id)

    async def _open_pending_form(self, body: Body) -> None:
        """The "Open form" button of an earlier offer: its stored modal, once, until it
        expires."""
        user_id, _ = translate.interaction_user(body)
        source = translate.action_source(body)
        conversation = Conversation(
            translate.PLATFORM,
            translate.team_of(body),
            source.channel_id,
            None,
            source.channel_id.startswith("D"),
        )
        where = Where(conversation, user_id, None, source.response_url)
        view = await self.routes.take_pending(_first_action_value(body))
        trigger_id = body.get("trigger_id")
        if view is None or not trigger_id:
            await self.renderer.render(say(EXPIRED), where, Surface.CONVERSATION)
        elif not await self.routes.open_view(trigger_id, view):
            await self.renderer.render(say(NOT_OPENED), where, Surface.CONVERSATION)

    # Shortcuts ---------------------------------------------------------------------------

    async def _on_shortcut(self, ack: Ack, body: Body) -> None:
        await self._admit_then_ack(ack, SHORTCUT, body)

    async def _answer_shortcut(self, body: Body) -> None:
        """Message shortcuts open a form pre-filled from the message; the global one asks."""
        user_id, user_name = translate.interaction_user(body)
        actor = await self.directory.actor(translate.team_of(body), user_id, user_name)
        action = translate.shortcut(body, actor)
        if action is None:
            log.warning("slack shortcut %r is not one of ours", body.get("callback_id"))
            return
        outcome = await self.bot.handle(action)
        where = Where(action.conversation, user_id, action.trigger_id, body.get("response_url"))
        await self.renderer.render(outcome, where, Surface.CONVERSATION)

    # Modal submissions -------------------------------------------------------------------

    async def _on_submission(self, ack: Ack, body: Body) -> None:
        """The core answers first (errors must travel in the ack), within a time budget. The
        delivery key is stored first and marked done before the ack: a replay changes nothing."""
        request_kind(SUBMISSION)
        logs.bind(**log_fields(body))  # for this request's task and the work it starts
        acked = False
        current_workspace.set(workspace_of(body))  # the core's work and replies inherit it
        try:
            key = delivery_key(SUBMISSION, body)
            item = await self.bot.inbox.admit(key, translate.PLATFORM, SUBMISSION)
            if item is None:
                log.info("slack form submission %s delivered again; ignored", key)
                return
            work = asyncio.ensure_future(self._submit(body))
            try:
                submission, outcome = await asyncio.wait_for(
                    asyncio.shield(work), SUBMISSION_BUDGET
                )
            except TimeoutError:
                await ack()
                acked = True
                self.bot.inbox.start(item, self._late_submission(work))
                return
            await self.bot.inbox.finish(key)
            item.done = True
            where = Where(
                submission.conversation,
                submission.actor.user_id,
                block_ids=tuple(translate.input_block_ids(body)),
                later=partial(self.bot.inbox.start, item),
            )
            answer = await self.renderer.render(outcome, where, Surface.MODAL)
            await ack(**(answer or {}))
            acked = True
        except Exception:
            log.exception("slack view_submission failed")
        finally:
            if not acked:
                await ack()

    async def _submit(self, body: Body) -> tuple[Submission, Outcome]:
        user_id, user_name = translate.interaction_user(body)
        actor = await self.directory.actor(translate.team_of(body), user_id, user_name)
        submission = translate.submission(body, actor, self.key)
        return submission, await self.bot.handle(submission)

    async def _late_submission(self, work: asyncio.Future[tuple[Submission, Outcome]]) -> None:
        """The core took longer than the ack budget: its answer arrives as a message."""
        submission, outcome = await work
        where = Where(submission.conversation, submission.actor.user_id)
        await self.renderer.render(outcome, where, Surface.CLOSED_MODAL)

    # Events API --------------------------------------------------------------------------

    async def _on_mention(self, body: Body, event: Body) -> None:
        if translate.is_from_person(event):
            await self._admit_then_ack(None, EVENT, body)  # bolt acks events itself

    async def _on_direct_message(self, body: Body, event: Body) -> None:
        if event.get("channel_type") == "im" and translate.is_from_person(event):
            await self._admit_then_ack(None, EVENT, body)

    async def _on_home_opened(self, body: Body, event: Body) -> None:
        """The person looked at their App Home: it is published as it reads now."""
        if event.get("tab") == "home" and event.get("user"):
            await self._admit_then_ack(None, EVENT, body)

    async def _publish_home(self, team: str, user_id: str) -> None:
        page = await homes.page_for(self.bot.ctx, Actor(translate.PLATFORM, team, user_id))
        if page is not None:
            await self.messenger.publish_home(team, user_id, page)

    async def _on_ignored_event(self) -> None:
        """Acknowledged (bolt acks events) so Slack does not retry what we never handle."""
        request_kind(EVENT)

    async def _answer_message(self, body: Body, event: Body) -> None:
        team = translate.team_of(body) or str(event.get("team", ""))
        user_id = str(event["user"])
        actor = await self.directory.actor(team, user_id)
        incoming = translate.message(event, actor)
        outcome = await self.bot.handle(incoming)
        await self.renderer.render(
            outcome, Where(incoming.conversation, user_id), Surface.CONVERSATION
        )


def log_fields(body: Body) -> dict[str, str]:
    """The workspace and the id Slack gave this delivery (`event_id` for events, the
    `trigger_id` of a command or interaction), for every log line written about it."""
    unique = body.get("event_id") or body.get("trigger_id")
    return {"workspace": translate.team_of(body) or "-", "event_id": str(unique or "-")}


def _first_action(body: Body) -> dict[str, Any]:
    first = (body.get("actions") or [{}])[0]
    return first if isinstance(first, dict) else {}


def _first_action_id(body: Body) -> str:
    return str(_first_action(body).get("action_id", ""))


def _first_action_value(body: Body) -> str:
    return str(_first_action(body).get("value", ""))
