"""Inbox rows on both databases: what admission stores is what the ORM reads back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from storage.db import Database
from storage.models.inbound import InboxItem
from storage.repositories import inbox

NOW = datetime(2026, 12, 2, 9, 30, 15, 123456, tzinfo=UTC)


def _item(key: str, owner: str = "replica-a", lease: timedelta = timedelta(minutes=1)) -> InboxItem:
    return InboxItem(
        key=key,
        platform="slack",
        kind="command",
        payload='{"text": "owns the roadmap"}',
        received_at=NOW,
        owner=owner,
        lease_until=NOW + lease,
    )


def _row(
    key: str, owner: str = "replica-a", lease: timedelta = timedelta(minutes=1)
) -> dict[str, Any]:
    """What the inbox admits: the row's plain values, every column."""
    return _item(key, owner, lease).model_dump()


async def test_an_admitted_row_reads_back_exactly(database: Database) -> None:
    async with database.connection() as connection:
        assert await inbox.admit(connection, _row("slack:1")) is not None
    async with database.transaction() as session:
        stored = (await session.exec(select(InboxItem))).one()
    assert stored.model_dump() == _item("slack:1").model_dump()
    assert stored.lease_until.tzinfo is not None


async def test_admission_stores_times_as_the_orm_does(database: Database) -> None:
    """Lease comparisons happen in SQL, so the driver path must write the ORM's exact text."""
    async with database.connection() as connection:
        await inbox.admit(connection, _row("driver"))
    async with database.transaction() as session:
        session.add(_item("orm"))
    async with database.connection() as connection:
        rows = await connection.execute(
            text("SELECT key, CAST(lease_until AS TEXT) FROM inbox_item ORDER BY key")
        )
        stored = dict(rows.all())
    assert stored["driver"] == stored["orm"]


async def test_a_held_key_is_refused_and_an_abandoned_one_taken_over(database: Database) -> None:
    async with database.connection() as connection:
        await inbox.admit(connection, _row("held"))
        await inbox.admit(connection, _row("abandoned", lease=-timedelta(seconds=1)))
    async with database.connection() as connection:
        assert await inbox.admit(connection, _row("held", owner="replica-b")) is None
        taken = await inbox.admit(connection, _row("abandoned", owner="replica-b"))
    assert taken is not None
    assert (taken["owner"], taken["attempts"]) == ("replica-b", 2)


async def test_a_failed_statement_leaves_the_kept_connection_usable(database: Database) -> None:
    with pytest.raises(ValueError, match="boom"):
        await _admit_then_fail(database)
    async with database.connection() as connection:
        assert await inbox.admit(connection, _row("second")) is not None
    async with database.transaction() as session:
        keys = set((await session.exec(select(InboxItem.key))).all())
    assert "second" in keys


async def test_sqlite_writers_wait_their_turn_and_give_up_at_the_timeout(
    sqlite_db: Database,
) -> None:
    sqlite_db.timeout_seconds = 0.2
    async with sqlite_db.transaction():
        with pytest.raises(TimeoutError, match="no turn to write"):
            await asyncio.create_task(_admit_once(sqlite_db))


async def _admit_then_fail(db: Database) -> None:
    async with db.connection() as connection:
        await inbox.admit(connection, _row("first"))
        raise ValueError("boom")


async def _admit_once(db: Database) -> None:
    async with db.connection() as connection:
        await inbox.admit(connection, _row("late"))
