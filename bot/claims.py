"""Exactly-once work across replicas and restarts: the one place that takes, renews,
completes and gives up job claims (a `job_claim` row per key, `storage.repositories.jobs`).

A key is run by whoever inserts its claim first; a run whose replica died is taken over once
its lease runs out, and a run that finished is never run again. `run_once` is the usual way
(a tick's due item, a weekly digest); `claim` / `claim_many` take claims inside the caller's
transaction when the claim must commit together with the work it promises (an outbox batch,
a fan-out of stand-up prompts), and `run_claimed` then runs the work under it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Context
from bot.metrics import CLAIMED, FAILED, RAN, SKIPPED
from bot.replica import REPLICA_ID
from storage.repositories import jobs

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[None]]


async def run_once(
    ctx: Context,
    key: str,
    work: Work,
    *,
    lease: timedelta | None = None,
    owner: str = REPLICA_ID,
) -> bool:
    """Runs `work` unless another replica has run it or is running it; True when it ran here."""
    lease = lease or lease_of(ctx)
    async with ctx.db.transaction() as session:
        claimed = await jobs.claim(session, key, owner, ctx.clock.now(), lease)
    ctx.metrics.scheduled_run(job_name(key), CLAIMED if claimed else SKIPPED)
    if not claimed:
        return False
    await run_claimed(ctx, key, work, lease=lease, owner=owner)
    return True


async def claim(session: AsyncSession, ctx: Context, key: str) -> bool:
    """In the caller's transaction: takes `key` for this replica (see `run_claimed`)."""
    claimed = await jobs.claim(session, key, REPLICA_ID, ctx.clock.now(), lease_of(ctx))
    ctx.metrics.scheduled_run(job_name(key), CLAIMED if claimed else SKIPPED)
    return claimed


async def claim_many(session: AsyncSession, ctx: Context, keys: Collection[str]) -> set[str]:
    """`claim` for many keys in two statements: the ones this replica may run now."""
    return await jobs.claim_many(session, keys, REPLICA_ID, ctx.clock.now(), lease_of(ctx))


async def complete_many(session: AsyncSession, ctx: Context, keys: Collection[str]) -> None:
    """In the caller's transaction: these keys are done (what they promised is now stored)."""
    await jobs.complete_many(session, keys, REPLICA_ID, ctx.clock.now())


async def release(ctx: Context, key: str) -> None:
    """Gives up this replica's claim, so the next tick (on any replica) may run `key` again."""
    async with ctx.db.transaction() as session:
        await jobs.release(session, key, REPLICA_ID)


def job_name(key: str) -> str:
    """The job a claim key belongs to (`vote.close:12` → `vote.close`): a metrics label."""
    return key.partition(":")[0]


def lease_of(ctx: Context) -> timedelta:
    return timedelta(seconds=ctx.settings.job_lease_seconds)


async def run_claimed(
    ctx: Context,
    key: str,
    work: Work,
    *,
    lease: timedelta | None = None,
    owner: str = REPLICA_ID,
) -> None:
    """Runs `work` under a claim already taken (e.g. in the transaction that created the
    work): renews its lease meanwhile and completes it after; a failure leaves the claim to
    be taken over once its lease runs out."""
    lease = lease or lease_of(ctx)
    keeper = asyncio.create_task(_keep_lease(ctx, key, owner, lease))
    try:
        await work()
    except Exception:
        ctx.metrics.scheduled_run(job_name(key), FAILED)
        raise
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
    ctx.metrics.scheduled_run(job_name(key), RAN)
    async with ctx.db.transaction() as session:
        await jobs.complete_many(session, [key], owner, ctx.clock.now())


async def _keep_lease(ctx: Context, key: str, owner: str, lease: timedelta) -> None:
    """While the work runs (slow posts, rate limits), renews the lease every third of it, so
    only a replica that really died loses its run to another."""
    while True:
        await asyncio.sleep(lease.total_seconds() / 3)
        try:
            async with ctx.db.transaction() as session:
                await jobs.extend(session, key, owner, ctx.clock.now(), lease)
        except Exception:
            log.warning("could not renew the lease of %s; retrying", key, exc_info=True)
