"""The roster stamp: changed in the same transaction as any change to a workspace's teams,
roles, role holders or RACI matrix, and read in one cheap statement by every cached lookup.

Stamps are random, not counted: a purged workspace loses its row, and a counter starting over
could repeat a value some replica still holds."""

from __future__ import annotations

import secrets

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.roster import RosterStamp
from storage.upsert import insert_for

_STAMPED = "roster_stamped"  # session.info: workspaces already stamped in this transaction
_READ = {
    "sqlite": "SELECT stamp FROM roster_stamp WHERE workspace_id = ?",
    "postgresql": "SELECT stamp FROM roster_stamp WHERE workspace_id = $1",
}


async def bump(session: AsyncSession, workspace_id: str) -> None:
    """Gives the workspace a new stamp, once per transaction however many rows it changes."""
    stamped: set[str] = session.info.setdefault(_STAMPED, set())
    if workspace_id in stamped:
        return
    stamp = secrets.randbits(62)
    insert = insert_for(session, RosterStamp).values(workspace_id=workspace_id, stamp=stamp)
    await session.exec(
        insert.on_conflict_do_update(index_elements=["workspace_id"], set_={"stamp": stamp})
    )
    stamped.add(workspace_id)


async def stamp_in(session: AsyncSession, workspace_id: str) -> int | None:
    """The stamp as this transaction sees it; read it before the data it vouches for."""
    statement = select(RosterStamp.stamp).where(RosterStamp.workspace_id == workspace_id)
    return (await session.exec(statement)).first()


async def stamp(connection: AsyncConnection, workspace_id: str) -> int | None:
    """The stamp, in one statement straight on the driver: no transaction, no write lock on
    SQLite (a bare SELECT autocommits), one hop to aiosqlite's thread or one PostgreSQL
    round trip."""
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    sql = _READ[connection.dialect.name]
    if connection.dialect.name == "sqlite":
        rows = list(await driver.execute_fetchall(sql, (workspace_id,)))  # type: ignore[union-attr]
    else:
        rows = list(await driver.fetch(sql, workspace_id))  # type: ignore[union-attr]
    return int(rows[0][0]) if rows else None
