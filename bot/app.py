"""The running core: one object adapters hand events to, whatever platform they speak."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.context import Context
from bot.events import Event
from bot.feature import Feature, Tick, check_dependencies, discover_features
from bot.homes import refresh_after_use
from bot.inbox import Inbox
from bot.metrics import Metrics
from bot.pipeline import Identity, Pipeline, clean_input, measure, sorry
from bot.ports import Clock, MessengerHub, SystemClock
from bot.replies import Outcome
from bot.router import Router
from bot.server_key import server_key
from bot.settings import Settings
from storage.db import Database

log = logging.getLogger(__name__)


class AlignBot:
    def __init__(self, ctx: Context, features: Sequence[Feature] | None = None) -> None:
        self.features = list(discover_features() if features is None else features)
        check_dependencies(self.features)
        ctx.feature_settings.build(f.settings for f in self.features if f.settings is not None)
        self.router = Router(self.features)
        self.ctx = ctx
        self.ctx.commands = tuple(self.router.commands.values())
        self.inbox = Inbox(ctx.db, ctx.settings.inbox_lease_seconds)
        # Periodic jobs a platform adapter adds (Slack: purging uninstalled workspaces).
        self.platform_ticks: list[Tick] = []
        self.pipeline = Pipeline(
            [measure(ctx.metrics), clean_input, Identity(ctx), refresh_after_use(ctx)],
            self._route,
            on_error=sorry,
        )

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
        await db.check_reachable()  # first: a start that fails says one line and leaves no key
        server_key(settings)  # created, or its absence reported, at start: not at the first vote
        await db.upgrade()
        ctx = Context(
            db=db, messenger=MessengerHub(), clock=clock or SystemClock(), settings=settings
        )
        return cls(ctx)

    @property
    def metrics(self) -> Metrics:
        return self.ctx.metrics

    @property
    def messenger(self) -> MessengerHub:
        return self.ctx.messenger

    async def handle(self, event: Event) -> Outcome:
        """The one entry point for every platform: answers one event through the pipeline.
        Bad input becomes a friendly reply; a bug never shows a traceback."""
        return await self.pipeline(event)

    async def _route(self, event: Event) -> Outcome:
        return await self.router.route(event, self.ctx)

    async def close(self) -> None:
        await self.ctx.db.dispose()
