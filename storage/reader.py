"""Reads that must not wait for a transaction their caller may hold open.

A feature posts from inside its own transaction, and a platform adapter looks things up
while it posts. On SQLite that transaction holds the write lock (BEGIN IMMEDIATE), so a
second transaction would wait for it forever; a plain autocommit read (WAL) does not.
PostgreSQL needs no such care: its reads are ordinary short transactions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import Database

SQLITE_BUSY_SECONDS = 30


class SideReader:
    """Sessions beside the caller's transaction; its own SQLite engine opens at first use."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._engine: AsyncEngine | None = None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        if self.db.dialect != "sqlite":
            async with self.db.transaction() as session:
                yield session
            return
        if self._engine is None:
            self._engine = create_async_engine(
                self.db.url, connect_args={"timeout": SQLITE_BUSY_SECONDS}
            )
        async with AsyncSession(self._engine, expire_on_commit=False) as session:
            yield session

    async def dispose(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
