"""aiosqlite with one thread hop per statement.

aiosqlite runs each call on its connection's own thread and SQLAlchemy makes four calls per
statement (open a cursor, execute, fetch the rows, close). Every hop wakes that thread and then
the event loop again, which costs more CPU than the statement itself: a burst of ballots spent
most of its time there. Here a cursor executes and fetches in one hop, and opening or closing
it costs none. Everything else (commit, rollback, the worker thread) is aiosqlite's own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import aiosqlite

Row = Any
T = TypeVar("T")


class OneHopConnection(aiosqlite.Connection):
    def cursor(self) -> OneHopCursor:  # type: ignore[override]
        return OneHopCursor(self)

    async def on_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on the connection's thread: one hop."""
        result: T = await self._execute(fn, *args)  # type: ignore[no-untyped-call]
        return result


class OneHopCursor:
    """The part of aiosqlite's cursor SQLAlchemy uses, each statement one call on the thread."""

    arraysize = 1

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self._cursor: sqlite3.Cursor | None = None
        self._rows: list[Row] = []

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> OneHopCursor:
        self._cursor, self._rows = await self._connection.on_thread(
            _execute_and_fetch, self._connection._conn, sql, parameters or ()
        )
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneHopCursor:
        self._cursor = await self._connection.on_thread(
            self._connection._conn.executemany, sql, parameters
        )
        self._rows = []
        return self

    async def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        count = size or self.arraysize
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        """Nothing to wait for: every row was fetched with the statement, which is finished."""
        self._rows = []

    @property
    def description(self) -> Any:
        return self._cursor.description if self._cursor is not None else None

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount if self._cursor is not None else -1

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid if self._cursor is not None else None


def _execute_and_fetch(
    connection: sqlite3.Connection, sql: str, parameters: Sequence[Any]
) -> tuple[sqlite3.Cursor, list[Row]]:
    """On the connection's thread: the statement run to its end, its rows read."""
    cursor = connection.execute(sql, parameters)
    return cursor, cursor.fetchall() if cursor.description else []


async def connect(database: str, busy_seconds: float) -> OneHopConnection:
    """Like `aiosqlite.connect`, as SQLAlchemy's aiosqlite dialect opens it."""

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(database, timeout=busy_seconds, check_same_thread=False)

    connection = OneHopConnection(connector, iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy does: an unclosed one never blocks exit
    await connection  # starts the thread and connects
    return connection
