"""One engine and one way to open a transaction, from one URL (SQLite default, PostgreSQL)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import sqlite_driver

DEFAULT_URL = "sqlite+aiosqlite:///./data/alignbot.db"
# How long one statement, or a wait for a lock, may take.
DEFAULT_TIMEOUT_SECONDS = 10.0
# How long opening a connection may take: `serve` against a database that never answers
# gives up well within 10 s.
CONNECT_TIMEOUT_SECONDS = 5.0
# How long a burst may queue for one of the pooled PostgreSQL connections.
POOL_TIMEOUT_SECONDS = 30.0
# A pooled PostgreSQL connection idle this long is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 5.0
_IDLE_SINCE = "alignbot_idle_since"

# Set while a transaction is open in this task (and tasks it starts): network I/O must wait
# until it ends, or a slow platform holds the write lock (tests fail any call made then).
_open_transaction: ContextVar[bool] = ContextVar("open_transaction", default=False)


def in_transaction() -> bool:
    """True while the current task holds an open `Database.transaction()`."""
    return _open_transaction.get()


class DatabaseUnreachable(ConnectionError):
    """The database did not answer at start; the message names it (password masked)."""


class Database:
    """Owns the engine. Every unit of work is one transaction: all of it is stored, or nothing."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        search_path: str | None = None,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.url = make_url(url)
        self.timeout_seconds = timeout_seconds
        self.engine: AsyncEngine = _create_engine(url, search_path, timeout_seconds)
        # SQLite has one writer, and every transaction here takes the write lock (BEGIN
        # IMMEDIATE). Queuing our own transactions in order keeps them out of SQLite's busy
        # handler, which sleeps up to 100 ms between tries: under a burst, acknowledgements
        # waiting to store their inbox row stalled behind those sleeps.
        self._sqlite_writer = asyncio.Lock() if self.dialect == "sqlite" else None
        self._kept: AsyncConnection | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def _writer_turn(self) -> AsyncIterator[None]:
        """This process's turn to write (SQLite only), waited for at most the timeout."""
        if self._sqlite_writer is None:
            yield
            return
        try:
            async with asyncio.timeout(self.timeout_seconds):
                await self._sqlite_writer.acquire()
        except TimeoutError:
            raise TimeoutError(
                f"no turn to write to {self.masked_url} within {self.timeout_seconds:g} s"
            ) from None
        try:
            yield
        finally:
            self._sqlite_writer.release()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A bare connection for the few hot paths that skip the ORM: a statement that needs
        no transaction may commit on its own; anything begun is committed at the end, or
        rolled back on error. On SQLite one connection is kept for this (taken in turn), so
        the hot path skips the pool's check-out and reset."""
        if self._sqlite_writer is None:
            async with self.engine.connect() as connection:
                yield connection
                if connection.in_transaction():
                    await connection.commit()
            return
        async with self._writer_turn():
            kept = await self._kept_connection()
            try:
                yield kept
                if kept.in_transaction():
                    await kept.commit()
            except BaseException:
                if kept.in_transaction():
                    await kept.rollback()
                raise

    async def _kept_connection(self) -> AsyncConnection:
        """SQLite's one connection, opened on first use (the caller holds the writer turn)."""
        if self._kept is None:
            self._kept = await self.engine.connect()
        return self._kept

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work. On SQLite it runs on the kept connection, in turn: a transaction
        then costs its BEGIN, statements and COMMIT, not also a pool check-out and reset."""
        token = _open_transaction.set(True)
        try:
            async with self._writer_turn():
                bind = self.engine if self._sqlite_writer is None else await self._kept_connection()
                async with AsyncSession(bind, expire_on_commit=False) as session:
                    try:
                        yield session
                        await session.commit()
                    except BaseException:
                        await session.rollback()
                        raise
        finally:
            _open_transaction.reset(token)

    @property
    def masked_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    async def check_reachable(self) -> None:
        """Fails fast, with one clear line, when the database does not answer."""
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS + 1):
                async with self.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except TimeoutError:
            raise DatabaseUnreachable(
                f"cannot reach the database at {self.masked_url}: "
                f"no answer within {CONNECT_TIMEOUT_SECONDS:g} s"
            ) from None
        except Exception as error:
            detail = str(error).strip().splitlines()
            reason = f"{type(error).__name__}: {detail[0]}" if detail else type(error).__name__
            raise DatabaseUnreachable(
                f"cannot reach the database at {self.masked_url}: {reason}"
            ) from None

    async def upgrade(self) -> None:
        """Applies every pending migration (safe to call from several replicas at once)."""
        from storage.migrate import upgrade

        await upgrade(self)

    async def dispose(self) -> None:
        if self._kept is not None:
            await self._kept.close()
            self._kept = None
        await self.engine.dispose()


def _create_engine(url: str, search_path: str | None, timeout: float) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, timeout)
    server_settings = {"statement_timeout": str(int(timeout * 1000))}
    if search_path:
        server_settings["search_path"] = search_path
    connect_args: dict[str, Any] = {
        "timeout": CONNECT_TIMEOUT_SECONDS,  # asyncpg: the whole connection handshake
        "command_timeout": timeout,  # asyncpg: a query whose answer never comes back
        "server_settings": server_settings,
    }
    engine = create_async_engine(url, pool_timeout=POOL_TIMEOUT_SECONDS, connect_args=connect_args)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Checks a pooled connection before use only if it sat idle a while (a restarted server
    or a dropped link shows up there), not on every check-out as `pool_pre_ping` would: on
    asyncpg that ping is three round trips (BEGIN, ";", ROLLBACK) before each transaction.
    A connection broken in the last few seconds fails its statement, and SQLAlchemy then
    discards the whole pool."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.pop(_IDLE_SINCE, None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new, or busy a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError(f"a pooled connection did not answer: {error}") from error


def _sqlite_engine(url: str, timeout: float) -> AsyncEngine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    path = database or ":memory:"
    engine = create_async_engine(url, async_creator=lambda: sqlite_driver.connect(path, timeout))
    busy_timeout_ms = int(timeout * 1000)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below); WAL lets readers proceed while one writer writes.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL stays consistent after a crash and skips an fsync per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # A writer waits this long for the lock, then fails with "database is locked".
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front, so concurrent writers queue instead of
        # failing with "database is locked" when a read transaction later tries to write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
