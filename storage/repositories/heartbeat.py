"""The heartbeat row `/healthz` writes: proof that the database takes writes, not only reads."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.deliveries import Heartbeat
from storage.upsert import insert_for


async def beat(session: AsyncSession, replica: str, now: datetime) -> None:
    statement = insert_for(session, Heartbeat).values(replica=replica, beat_at=now)
    await session.exec(
        statement.on_conflict_do_update(index_elements=["replica"], set_={"beat_at": now})
    )
