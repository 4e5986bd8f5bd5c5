"""The running core: one object adapters hand events to, whatever platform they speak."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.context import Context
from bot.events import Action, Actor, Command, Event, Message, Submission
from bot.feature import Feature, discover_features
from bot.ports import Clock, MessengerHub, SystemClock
from bot.replies import Outcome
from bot.router import Router
from bot.settings import Settings
from storage.db import Database
from storage.repositories import people


class AlignBot:
    def __init__(self, ctx: Context, features: Sequence[Feature] | None = None) -> None:
        self.router = Router(discover_features() if features is None else features)
        self.ctx = ctx
        self.ctx.commands = tuple(self.router.commands.values())

    @classmethod
    async def start(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        database: Database | None = None,
    ) -> AlignBot:
        """Connects storage (applying migrations) and assembles the core."""
        db = database or Database(settings.database_url)
        await db.upgrade()
        ctx = Context(
            db=db, messenger=MessengerHub(), clock=clock or SystemClock(), settings=settings
        )
        return cls(ctx)

    @property
    def messenger(self) -> MessengerHub:
        return self.ctx.messenger

    async def handle(self, event: Event) -> Outcome:
        event = self._with_admin_flag(event)
        async with self.ctx.db.transaction() as session:
            await people.remember(session, event.actor, self.ctx.clock.now())
        return await self.router.dispatch(event, self.ctx)

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
