"""How transactions reach each database: SQLite one thread hop per statement on the kept
connection; PostgreSQL pooled connections checked only after sitting idle."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from storage import db as storage_db
from storage import sqlite_driver
from storage.db import Database
from storage.models.votes import RetiredPollId
from tests.support.databases import POSTGRES_URL


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every call sent to a SQLite connection's thread."""
    sent: list[str] = []
    original = sqlite_driver.OneHopConnection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(sqlite_driver.OneHopConnection, "_execute", counted)
    return sent


async def test_a_sqlite_statement_is_one_call_on_the_connection_thread(
    sqlite_db: Database, hops: list[str]
) -> None:
    async with sqlite_db.transaction() as session:
        await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    hops.clear()
    async with sqlite_db.transaction() as session:
        rows = (await session.exec(text("SELECT 40 + 2"))).all()  # type: ignore[call-overload]
    assert [tuple(row) for row in rows] == [(42,)]
    # BEGIN IMMEDIATE, the SELECT with its rows, COMMIT; no cursor opening, fetching or
    # closing of its own, and no pool check-out reset.
    assert hops == ["_execute_and_fetch", "_execute_and_fetch", "commit"]


async def test_sqlite_rows_counts_and_errors_come_back_through_the_driver(
    sqlite_db: Database,
) -> None:
    async with sqlite_db.transaction() as session:
        session.add_all([RetiredPollId(id=1), RetiredPollId(id=2), RetiredPollId(id=3)])

    async def add_four_and_a_taken_two() -> None:
        async with sqlite_db.transaction() as session:
            session.add(RetiredPollId(id=4))
            await session.flush()
            session.add(RetiredPollId(id=2))  # taken: the whole unit of work is undone

    with pytest.raises(IntegrityError):
        await add_four_and_a_taken_two()
    async with sqlite_db.transaction() as session:
        gone = await session.exec(  # type: ignore[call-overload]
            text("DELETE FROM vote_retired_id WHERE id >= 2")
        )
        assert gone.rowcount == 2
        left = (await session.exec(text("SELECT id FROM vote_retired_id"))).all()  # type: ignore[call-overload]
    assert [tuple(row) for row in left] == [(1,)]


async def _backend_pid(db: Database) -> int:
    async with db.transaction() as session:
        return int((await session.exec(text("SELECT pg_backend_pid()"))).one()[0])  # type: ignore[call-overload]


@pytest.mark.postgres
async def test_a_postgres_connection_that_died_while_idle_is_replaced_before_use(
    pg_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    first = await _backend_pid(pg_db)
    admin = create_async_engine(POSTGRES_URL)
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f"SELECT pg_terminate_backend({first})"))
    finally:
        await admin.dispose()
    assert await _backend_pid(pg_db) != first


@pytest.mark.postgres
async def test_a_busy_postgres_connection_is_not_pinged_before_each_transaction(
    pg_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[object] = []
    dialect = pg_db.engine.dialect
    original = dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pings.append(dbapi_connection)
        return original(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    for _ in range(5):
        await _backend_pid(pg_db)
    assert pings == []
    monkeypatch.setattr(storage_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    await _backend_pid(pg_db)
    assert len(pings) == 1
