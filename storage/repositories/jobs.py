"""Claiming scheduled runs: insert-once, or take over a crashed run whose lease expired."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.jobs import JobClaim
from storage.upsert import insert_for


async def claim(
    session: AsyncSession, key: str, owner: str, now: datetime, lease: timedelta
) -> bool:
    """True when this owner may run `key` now; false while another holds it or it is done."""
    return key in await claim_many(session, [key], owner, now, lease)


async def claim_many(
    session: AsyncSession, keys: Collection[str], owner: str, now: datetime, lease: timedelta
) -> set[str]:
    """The keys this owner may run now, in two statements: new ones, and ones whose crashed
    run's lease ran out."""
    if not keys:
        return set()
    rows = [
        {"key": key, "owner": owner, "claimed_at": now, "lease_until": now + lease} for key in keys
    ]
    insert = (
        insert_for(session, JobClaim)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(JobClaim.key))
    )
    won = set((await session.exec(insert)).scalars().all())
    rest = [key for key in keys if key not in won]
    if rest:
        takeover = (
            update(JobClaim)
            .where(
                col(JobClaim.key).in_(rest),
                col(JobClaim.done_at).is_(None),
                col(JobClaim.lease_until) < now,
            )
            .values(owner=owner, claimed_at=now, lease_until=now + lease)
            .returning(col(JobClaim.key))
        )
        won |= set((await session.exec(takeover)).scalars().all())
    return won


async def complete_many(
    session: AsyncSession, keys: Collection[str], owner: str, now: datetime
) -> None:
    """Marks this owner's runs of `keys` done: they are never claimed again."""
    if not keys:
        return
    done = (
        update(JobClaim)
        .where(col(JobClaim.key).in_(list(keys)), col(JobClaim.owner) == owner)
        .values(done_at=now)
    )
    await session.exec(done)


async def extend(
    session: AsyncSession, key: str, owner: str, now: datetime, lease: timedelta
) -> bool:
    """Pushes out the lease of a run still in progress; false once it is no longer ours."""
    renewal = (
        update(JobClaim)
        .where(
            col(JobClaim.key) == key,
            col(JobClaim.owner) == owner,
            col(JobClaim.done_at).is_(None),
        )
        .values(lease_until=now + lease)
    )
    renewed: Any = await session.exec(renewal)
    return bool(renewed.rowcount == 1)


async def release(session: AsyncSession, key: str, owner: str) -> None:
    """Gives up a claim so the next tick (on any replica) may run `key` again."""
    await session.exec(
        delete(JobClaim).where(col(JobClaim.key) == key, col(JobClaim.owner) == owner)
    )
