"""The running core: one object adapters hand events to, whatever platform they speak."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Actor, Command, Event, FormValue, Message, Submission
from bot.feature import Feature, discover_features
from bot.metrics import Metrics
from bot.ports import Clock, MessengerHub, SystemClock
from bot.replies import Outcome, say
from bot.router import Router
from bot.settings import Settings
from storage.db import Database
from storage.repositories import people

log = logging.getLogger(__name__)
REMEMBER_EVERY = timedelta(minutes=10)  # last_seen_at is this coarse, saving a write per event


class AlignBot:
    def __init__(self, ctx: Context, features: Sequence[Feature] | None = None) -> None:
        self.features = list(discover_features() if features is None else features)
        self.router = Router(self.features)
        self.ctx = ctx
        self.ctx.commands = tuple(self.router.commands.values())
        self.metrics = Metrics()
        self._remembered: dict[tuple[str, str], tuple[str, str | None, datetime]] = {}

    @classmethod
    async def start(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        database: Database | None = None,
    ) -> AlignBot:
        """Connects storage (applying migrations) and assembles the core."""
        db = database or Database(
            settings.database_url, timeout_seconds=settings.database_timeout_seconds
        )
        await db.check_reachable()
        await db.upgrade()
        ctx = Context(
            db=db, messenger=MessengerHub(), clock=clock or SystemClock(), settings=settings
        )
        return cls(ctx)

    @property
    def messenger(self) -> MessengerHub:
        return self.ctx.messenger

    async def handle(self, event: Event) -> Outcome:
        """Answers one event. Bad input becomes a friendly reply; a bug never shows a traceback."""
        started = time.perf_counter()
        failed = False
        try:
            event = self._with_admin_flag(without_nul(event))
            await self._remember(event.actor)
            return await self.router.route(event, self.ctx)
        except UserError as error:
            return say(error.message)
        except Exception:
            failed = True
            ref = secrets.token_hex(4)
            log.exception("handler failed (ref %s) for %s", ref, describe(event))
            return say(
                "Sorry, something went wrong on my side and nothing was changed. "
                f"Please try again; if it keeps happening, give your admin this reference: {ref}."
            )
        finally:
            kind = type(event).__name__.lower()
            self.metrics.observe(kind, time.perf_counter() - started, failed=failed)

    async def _remember(self, actor: Actor) -> None:
        """Keeps the people directory fresh without a write on every single event."""
        now = self.ctx.clock.now()
        key = (actor.workspace_id, actor.user_id)
        known = self._remembered.get(key)
        if (
            known
            and known[:2] == (actor.display_name, actor.timezone)
            and now - known[2] < REMEMBER_EVERY
        ):
            return
        async with self.ctx.db.transaction() as session:
            await people.remember(session, actor, now)
        self._remembered[key] = (actor.display_name, actor.timezone, now)

    def _with_admin_flag(self, event: Event) -> Event:
        actor = event.actor
        if actor.is_admin or actor.user_id not in self.ctx.settings.admin_ids:
            return event
        admin: Actor = replace(actor, is_admin=True)
        match event:
            case Command() | Message() | Action() | Submission():
                return replace(event, actor=admin)

    async def close(self) -> None:
        await self.ctx.db.dispose()


def describe(event: Event) -> str:
    """What a log line may say about an event: its kind and ids, never what anyone typed or
    chose (a submitted ballot next to its voter's id would undo an anonymous vote)."""
    where = event.conversation
    base = f"{where.platform}:{where.workspace_id}/{where.channel_id} by {event.actor.user_id}"
    match event:
        case Command():
            return f"command {event.name[:40]!r} in {base}"
        case Message():
            return f"message in {base}"
        case Action():
            return f"action {event.action_id!r} in {base}"
        case Submission():
            return f"form {event.form_id!r} in {base}"


def without_nul(event: Event) -> Event:
    """NUL characters removed from everything a person typed: PostgreSQL text cannot hold them."""
    match event:
        case Command() | Message():
            return replace(event, text=event.text.replace("\x00", ""))
        case Action():
            return replace(event, value=event.value.replace("\x00", ""))
        case Submission():
            return replace(event, values={k: _strip_nul(v) for k, v in event.values.items()})


def _strip_nul(value: FormValue) -> FormValue:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [item.replace("\x00", "") for item in value]
    return value
