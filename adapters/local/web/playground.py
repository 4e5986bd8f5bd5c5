"""The playground: one local workspace served to a browser. It is the adapter's messenger
(proactive posts arrive live over a WebSocket), turns clicks and forms into core events, and
moves a fake clock forward so prompts, reminders, deadlines and digests can be seen at once."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from adapters.local.demo import ADMINS, PEOPLE, actor
from adapters.local.render import controls
from adapters.local.web.html import reply_html
from adapters.local.web.render import PageRenderer, Surface, Where
from adapters.local.web.translate import form_values, typed
from bot.app import AlignBot
from bot.events import Action, Actor, Conversation, MessageRef, Submission
from bot.ports import Renderer
from bot.replies import Button, Form, Reply
from bot.scheduler import Scheduler

log = logging.getLogger(__name__)

PLATFORM = "local"
WORKSPACE = "local"
STATIC = Path(__file__).parent / "static"
STEP = timedelta(minutes=15)  # the clock visits every quarter hour when it jumps
HORIZON = timedelta(days=8)  # "next" looks this far ahead: a weekly digest is always within
MAX_OPEN_FORMS = 200
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")


def is_name(text: str) -> bool:
    """A person's or channel's name as the playground spells them."""
    return bool(_NAME.match(text))


@dataclass
class PlaygroundClock:
    """Real time plus an offset the page moves forward."""

    offset: timedelta = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def move_to(self, when: datetime) -> None:
        self.offset = when - datetime.now(UTC)


@dataclass
class Shown:
    """A message on the page: the bot's reply or post, or what a person typed."""

    message_id: str
    conversation: Conversation
    author: str
    at: datetime
    reply: Reply | None = None
    typed: str = ""
    visible_to: str | None = None  # None: everyone in the conversation
    edited: bool = False

    @property
    def ref(self) -> MessageRef:
        return MessageRef(PLATFORM, WORKSPACE, self.conversation.channel_id, self.message_id)

    def as_json(self) -> dict[str, Any]:
        private = self.visible_to is not None and not self.conversation.is_direct
        return {
            "id": self.message_id,
            "conversation": self.conversation.channel_id,
            "author": self.author,
            "bot": self.reply is not None,
            "html": reply_html(self.reply) if self.reply is not None else "",
            "text": self.typed,
            "private": private,
            "thread": self.conversation.thread_id is not None,
            "at": self.at.isoformat(),
            "edited": self.edited,
        }


class BadRequest(ValueError):
    """The page sent something this playground cannot take; the message says what."""


@dataclass
class Playground:
    bot: AlignBot
    scheduler: Scheduler
    clock: PlaygroundClock
    admins: frozenset[str] = ADMINS
    messages: dict[str, Shown] = field(default_factory=dict)
    forms: dict[str, tuple[Form, Actor, Conversation]] = field(default_factory=dict)
    listeners: dict[web.WebSocketResponse, str] = field(default_factory=dict)
    people: dict[str, None] = field(default_factory=lambda: dict.fromkeys(PEOPLE))
    channels: dict[str, None] = field(default_factory=lambda: dict.fromkeys(["general"]))
    posted: list[str] = field(default_factory=list)  # where each proactive post went
    _run: str = field(default_factory=lambda: secrets.token_hex(3))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _jumping: asyncio.Lock = field(default_factory=asyncio.Lock)
    renderer: Renderer[Where, Surface, dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.renderer = PageRenderer(self)

    # The Messenger port ------------------------------------------------------------------

    async def post(self, conversation: Conversation, reply: Reply) -> MessageRef:
        self.posted.append(f"#{conversation.channel_id}")
        shown = self.add(conversation, "alignbot", reply=reply)
        await self.broadcast(shown)
        return shown.ref

    async def send_direct(self, workspace_id: str, user_id: str, reply: Reply) -> MessageRef:
        self.posted.append(f"@{user_id} (direct)")
        where = Conversation(PLATFORM, workspace_id, f"dm-{user_id}", is_direct=True)
        shown = self.add(where, "alignbot", reply=reply, visible_to=user_id)
        await self.broadcast(shown)
        return shown.ref

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        shown = self.messages.get(ref.message_id)
        if shown is None:  # posted before this playground started: nothing on the page
            log.debug("update of message %s, which this page never showed", ref.message_id)
            return
        shown.reply, shown.edited = reply, True
        await self.broadcast(shown)

    # What people do on the page ------------------------------------------------------------

    def actor(self, person: str) -> Actor:
        base = actor(person)
        return Actor(
            base.platform, base.workspace_id, person, person, base.timezone, self.is_admin(person)
        )

    def is_admin(self, person: str) -> bool:
        return person in self.admins

    def where(self, person: str, conversation: str) -> Conversation:
        if conversation == f"dm-{person}":
            return Conversation(PLATFORM, WORKSPACE, conversation, is_direct=True)
        if conversation.startswith("dm-") or not is_name(conversation):
            raise BadRequest("You can write in channels and in your own direct messages.")
        return Conversation(PLATFORM, WORKSPACE, conversation)

    async def say(self, person: str, conversation: str, text: str) -> dict[str, Any]:
        who, where = self.actor(person), self.where(person, conversation)
        if not text.strip():
            raise BadRequest("Type a command or a question first.")
        self.people.setdefault(person, None)
        if not where.is_direct:
            self.channels.setdefault(where.channel_id, None)
        event = typed(text, who, where)
        mine = person if text.startswith("/") else None  # slash commands show to their sender
        await self.broadcast(self.add(where, person, typed=text, visible_to=mine))
        return await self.renderer.render(await self.bot.handle(event), Where(event), Surface.TYPED)

    async def press(
        self, person: str, message_id: str, control: int, option: int | None
    ) -> dict[str, Any]:
        shown = self.messages.get(message_id)
        if shown is None or shown.reply is None or not self._sees(person, shown):
            raise BadRequest("That message is gone; ask again.")
        found = controls(shown.reply)
        if not 0 <= control < len(found):
            raise BadRequest("That button is gone; ask again.")
        chosen = found[control]
        if isinstance(chosen, Button):
            value = chosen.value
        elif option is not None and 0 <= option < len(chosen.options):
            value = chosen.options[option].value
        else:
            raise BadRequest("Choose one of the options.")
        event = Action(
            chosen.action_id,
            value,
            self.actor(person),
            shown.conversation,
            message=shown.ref,
            trigger_id=secrets.token_hex(4),
        )
        outcome = await self.bot.handle(event)
        return await self.renderer.render(outcome, Where(event), Surface.PRESSED)

    async def submit(self, token: str, values: dict[str, Any]) -> dict[str, Any]:
        opened = self.forms.get(token)
        if opened is None:
            raise BadRequest("That form has expired; please open it again.")
        form, who, where = opened
        submission = Submission(form.form_id, form_values(form, values), who, where, form.metadata)
        outcome = await self.bot.handle(submission)
        return await self.renderer.render(outcome, Where(submission, token), Surface.DIALOG)

    def open_dialog(self, form: Form, who: Actor, where: Conversation) -> str:
        """Keeps an opened form for its submission; its token."""
        token = secrets.token_urlsafe(12)
        self.forms[token] = (form, who, where)
        while len(self.forms) > MAX_OPEN_FORMS:  # dialogs closed without submitting
            del self.forms[next(iter(self.forms))]
        return token

    def close_dialog(self, token: str) -> None:
        self.forms.pop(token, None)

    # The clock -------------------------------------------------------------------------

    async def jump(self, how: str) -> dict[str, Any]:
        """Moves the clock a quarter hour at a time, running the scheduler's jobs at each
        step as they would run then; "next" stops after the first proactive post."""
        spans = {"hour": timedelta(hours=1), "day": timedelta(days=1), "next": HORIZON}
        if how not in spans:
            raise BadRequest("Jump by `next`, `hour` or `day`.")
        async with self._jumping:
            start, before = self.clock.now(), len(self.posted)
            end = start + spans[how]
            step = _next_quarter(start)
            while step < end:
                self.clock.move_to(step)
                await self._run_jobs()
                if how == "next" and len(self.posted) > before:
                    break
                step += STEP
            else:
                self.clock.move_to(end)
                await self._run_jobs()
            happened = self.posted[before:]
        await self._send_all({"type": "clock", "now": self.clock.now().isoformat()})
        places = ", ".join(sorted(set(happened)))
        note = (
            f"{len(happened)} new post{'s' if len(happened) != 1 else ''}: {places}."
            if happened
            else "Nothing was due" + (" in the next 8 days." if how == "next" else ".")
        )
        return {"now": self.clock.now().isoformat(), "note": note}

    async def _run_jobs(self) -> None:
        for job_id, tick in self.scheduler.ticks:
            await self.scheduler.run_tick(job_id, tick)
        await self.scheduler.sync_cron()

    # What each person sees -----------------------------------------------------------------

    def state(self, person: str) -> dict[str, Any]:
        self.people.setdefault(person, None)
        return {
            "me": person,
            "admin": self.is_admin(person),
            "zone": self.actor(person).timezone or "UTC",
            "people": [{"id": p, "admin": self.is_admin(p)} for p in self.people],
            "channels": list(self.channels),
            "messages": [m.as_json() for m in self.messages.values() if self._sees(person, m)],
            "now": self.clock.now().isoformat(),
        }

    def _sees(self, person: str, shown: Shown) -> bool:
        return shown.visible_to in (None, person)

    def add(
        self,
        where: Conversation,
        author: str,
        *,
        reply: Reply | None = None,
        typed: str = "",
        visible_to: str | None = None,
    ) -> Shown:
        message_id = f"{self._run}-{next(self._ids)}"
        shown = Shown(message_id, where, author, self.clock.now(), reply, typed, visible_to)
        self.messages[message_id] = shown
        if not where.is_direct:
            self.channels.setdefault(where.channel_id, None)
        return shown

    async def broadcast(self, shown: Shown) -> None:
        payload = {"type": "message", "message": shown.as_json()}
        for socket, person in list(self.listeners.items()):
            if self._sees(person, shown):
                await _send(socket, payload)

    async def _send_all(self, payload: dict[str, Any]) -> None:
        for socket in list(self.listeners):
            await _send(socket, payload)


async def _send(socket: web.WebSocketResponse, payload: dict[str, Any]) -> None:
    with contextlib.suppress(ConnectionError, RuntimeError):  # the page went away meanwhile
        await socket.send_json(payload)


def _next_quarter(moment: datetime) -> datetime:
    floored = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floored + STEP
