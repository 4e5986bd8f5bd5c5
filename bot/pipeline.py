"""The inbound pipeline: every platform's events pass the same middleware to the router.

The shape follows bolt's middleware and botbuilder's turn pipeline, kept explicit: a middleware
receives the event and `proceed`, may pass a changed copy on (events are immutable) and returns
the outcome; the chain ends at the router. Any failure stops at one error hook, as in
botbuilder's `on_turn_error`. De-duplication comes before this chain, in the durable inbox
(`bot.inbox`), because it has to be stored before the platform is acknowledged.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot import logs
from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Actor, Command, Event, FormValue, Message, Submission
from bot.metrics import Metrics
from bot.replies import Outcome, say
from storage.repositories import people

log = logging.getLogger(__name__)

Proceed = Callable[[Event], Awaitable[Outcome]]
Middleware = Callable[[Event, Proceed], Awaitable[Outcome]]
ErrorHook = Callable[[Event, Exception], Awaitable[Outcome]]
REMEMBER_EVERY = timedelta(minutes=10)  # last_seen_at is this coarse, saving a write per event
UNROUTED = "none"  # the feature label of events no feature took (unknown commands, bad input)


class Pipeline:
    """Runs `middleware` in order around `endpoint`; bad input and failures end in replies."""

    def __init__(
        self, middleware: Sequence[Middleware], endpoint: Proceed, on_error: ErrorHook
    ) -> None:
        self.on_error = on_error
        chain = endpoint
        for layer in reversed(middleware):
            chain = _link(layer, chain)
        self._chain = chain

    async def __call__(self, event: Event) -> Outcome:
        """Log lines written meanwhile, the error hook's included, name the event and the
        feature the router picks for it (see `bot.logs`)."""
        with logs.bound(event=describe(event), feature=UNROUTED):
            try:
                return await self._chain(event)
            except UserError as error:
                return say(error.message)
            except Exception as error:
                return await self.on_error(event, error)


def _link(layer: Middleware, proceed: Proceed) -> Proceed:
    async def linked(event: Event) -> Outcome:
        return await layer(event, proceed)

    return linked


async def sorry(event: Event, error: Exception) -> Outcome:
    """The default error hook: the trace goes to the log, a reference to the person."""
    ref = secrets.token_hex(4)
    log.error("handler failed (ref %s) for %s", ref, describe(event), exc_info=error)
    return say(
        "Sorry, something went wrong on my side and nothing was changed. "
        f"Please try again; if it keeps happening, give your admin this reference: {ref}."
    )


# Middleware --------------------------------------------------------------------------------


def measure(metrics: Metrics) -> Middleware:
    """Handler latency and failures by event kind and feature (the router names the feature
    in the log fields `Pipeline` binds)."""

    async def measured(event: Event, proceed: Proceed) -> Outcome:
        started = time.perf_counter()
        failed = False
        try:
            return await proceed(event)
        except UserError:
            raise
        except Exception:
            failed = True
            raise
        finally:
            kind = type(event).__name__.lower()
            seconds = time.perf_counter() - started
            metrics.handled(kind, logs.field("feature"), seconds, failed=failed)

    return measured


async def clean_input(event: Event, proceed: Proceed) -> Outcome:
    return await proceed(without_nul(event))


class Identity:
    """Sets the admin flag from settings and keeps the people directory fresh, without a write
    on every single event."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._remembered: dict[tuple[str, str], tuple[str, str | None, datetime]] = {}

    async def __call__(self, event: Event, proceed: Proceed) -> Outcome:
        event = self._with_admin_flag(event)
        await self._remember(event.actor)
        return await proceed(event)

    async def _remember(self, actor: Actor) -> None:
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
            await people.remember(
                session,
                platform=actor.platform,
                workspace_id=actor.workspace_id,
                user_id=actor.user_id,
                display_name=actor.display_name,
                timezone=actor.timezone,
                now=now,
            )
        self._remembered[key] = (actor.display_name, actor.timezone, now)

    def _with_admin_flag(self, event: Event) -> Event:
        actor = event.actor
        if actor.is_admin or actor.user_id not in self.ctx.settings.admin_ids:
            return event
        return replace(event, actor=replace(actor, is_admin=True))


# Helpers -------------------------------------------------------------------------------------


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
