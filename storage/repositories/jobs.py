"""Claiming scheduled runs: insert-once, or take over a crashed run whose lease expired."""

from __future__ import annotations

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
    insert = insert_for(session, JobClaim).values(
        key=key, owner=owner, claimed_at=now, lease_until=now + lease
    )
    inserted: Any = await session.exec(insert.on_conflict_do_nothing(index_elements=["key"]))
    if inserted.rowcount == 1:
        return True
    takeover = (
        update(JobClaim)
        .where(
            col(JobClaim.key) == key,
            col(JobClaim.done_at).is_(None),
            col(JobClaim.lease_until) < now,
        )
        .values(owner=owner, claimed_at=now, lease_until=now + lease)
    )
    taken: Any = await session.exec(takeover)
    return bool(taken.rowcount == 1)


async def complete(session: AsyncSession, key: str, owner: str, now: datetime) -> None:
    done = (
        update(JobClaim)
        .where(col(JobClaim.key) == key, col(JobClaim.owner) == owner)
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
