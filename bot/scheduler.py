"""Runs the features' periodic ticks with apscheduler, and makes each due run happen once.

A tick asks storage what is due (a stand-up prompt, a poll deadline, a digest) and wraps each
item in `run_once`: the claim row makes the item run exactly once across replicas and
restarts, and a run whose replica crashed is taken over when its lease runs out.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.context import Context
from bot.feature import Feature, Tick
from storage.repositories import jobs

log = logging.getLogger(__name__)

REPLICA_ID = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
DEFAULT_LEASE = timedelta(minutes=5)


async def run_once(
    ctx: Context,
    key: str,
    work: Callable[[], Awaitable[None]],
    *,
    lease: timedelta = DEFAULT_LEASE,
    owner: str = REPLICA_ID,
) -> bool:
    """Runs `work` unless another replica has run it or is running it; True when it ran here."""
    async with ctx.db.transaction() as session:
        claimed = await jobs.claim(session, key, owner, ctx.clock.now(), lease)
    if not claimed:
        return False
    await work()
    async with ctx.db.transaction() as session:
        await jobs.complete(session, key, owner, ctx.clock.now())
    return True


class Scheduler:
    def __init__(self, ctx: Context, features: list[Feature]) -> None:
        self.ctx = ctx
        self.ticks = [
            (f"{feature.name}.{tick.name}", tick) for feature in features for tick in feature.ticks
        ]
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    def start(self) -> None:
        for job_id, tick in self.ticks:
            self._scheduler.add_job(
                self.run_tick,
                IntervalTrigger(seconds=tick.every_seconds, timezone=UTC),
                args=[job_id, tick],
                id=job_id,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=tick.every_seconds,
            )
        self._scheduler.start()

    async def run_tick(self, job_id: str, tick: Tick) -> None:
        """One tick; a failure is logged and the next tick tries again."""
        try:
            await tick.run(self.ctx)
        except Exception:
            log.exception("scheduled job %s failed; it will run again at its next tick", job_id)

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
