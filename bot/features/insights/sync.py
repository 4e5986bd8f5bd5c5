"""Keeps every posted copy of an insight showing its current state, in order.

Each pass reads the insight, its tally and its copies from storage and rewrites the copies
with what is true now (the live card, or the retracted one). Passes for one insight never
overlap, so a slow tally refresh cannot overwrite a retraction that committed after it started.
Changes arriving while a pass is queued ride on that pass: a burst of 50 answers on an
insight posted to 500 channels costs about two passes, not 50.

This orders passes within one process; replicas each run their own passes, and the last
pass to finish anywhere still renders the state it read, which is current when it starts.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.context import Context
from bot.features.insights.access import tally
from bot.features.insights.delivery import Delivered, update_copies
from bot.features.insights.views import insight_card, retracted_card
from bot.replies import Reply
from storage.models.insights import InsightDelivery
from storage.repositories import insights as repo
from storage.repositories import people

Key = tuple[int, str, int]  # (database, workspace, insight)


async def current_card(
    ctx: Context, workspace_id: str, insight_id: int
) -> tuple[list[InsightDelivery], Reply]:
    """The copies to rewrite, and what each should show now."""
    async with ctx.db.transaction() as session:
        insight = await repo.find(session, workspace_id, insight_id)
        assert insight is not None, "insights are retracted, never deleted"
        view = await repo.load(session, insight)
        copies = await repo.deliveries(session, insight_id)
        if insight.retracted_at is None:
            return copies, insight_card(view, tally(await repo.acks(session, insight_id)))
        by = insight.retracted_by or insight.author_id
        names = await people.names(session, workspace_id, {by})
    return copies, retracted_card(view, names[by])


class CopySync:
    def __init__(self) -> None:
        self._locks: dict[Key, asyncio.Lock] = {}
        self._queued: dict[Key, asyncio.Future[Delivered]] = {}

    @staticmethod
    def _key(ctx: Context, workspace_id: str, insight_id: int) -> Key:
        return (id(ctx.db), workspace_id, insight_id)

    @asynccontextmanager
    async def exclusive(
        self, ctx: Context, workspace_id: str, insight_id: int
    ) -> AsyncIterator[None]:
        """No pass for this insight runs while the block runs (e.g. withdrawing copies)."""
        key = self._key(ctx, workspace_id, insight_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and key not in self._queued:
                self._locks.pop(key, None)

    async def sync(self, ctx: Context, workspace_id: str, insight_id: int) -> Delivered:
        """Brings every copy up to date with what storage says now; call after committing."""
        key = self._key(ctx, workspace_id, insight_id)
        queued = self._queued.get(key)
        if queued is not None:
            return await asyncio.shield(queued)  # it has not read storage yet: it sees our change
        future: asyncio.Future[Delivered] = asyncio.get_running_loop().create_future()
        self._queued[key] = future
        try:
            async with self.exclusive(ctx, workspace_id, insight_id):
                del self._queued[key]
                copies, card = await current_card(ctx, workspace_id, insight_id)
                outcome = Delivered()
                await update_copies(ctx, copies, card, outcome)
        except BaseException as error:
            if self._queued.get(key) is future:
                del self._queued[key]
            future.set_exception(error)
            future.exception()  # retrieved here: riders get it re-raised, nobody gets a warning
            raise
        future.set_result(outcome)
        return outcome


COPIES = CopySync()
