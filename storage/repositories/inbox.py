"""Inbox rows: admit a delivery once, lease it to one replica, take over what a dead one left."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.inbound import InboxItem, PendingForm

MAX_ATTEMPTS = 5  # a delivery that brought its worker down this often is left alone


async def admit(connection: AsyncConnection, values: dict[str, Any]) -> dict[str, Any] | None:
    """Stores the row `values` (every column) leased to its owner; for a key seen before, takes
    the stored row over only when it is unfinished and its lease ran out (its worker died), and
    gives that row's values. None: someone has it. On a bare connection and plain values, no
    model: this runs before every acknowledgement, so it stays lean."""
    if connection.dialect.name == "sqlite":
        inserted = await _insert_through_driver(connection, values)
    else:
        result = await connection.execute(
            postgresql.insert(InboxItem)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        inserted = result.rowcount == 1
    if inserted:
        return values
    taken = await connection.execute(
        _takeover([values["key"]], values["owner"], values["received_at"], values["lease_until"])
    )
    rows = taken.all()
    return dict(rows[0]._mapping) if rows else None


async def _insert_through_driver(connection: AsyncConnection, values: dict[str, Any]) -> bool:
    """One autocommitted INSERT … RETURNING straight on the SQLite driver, in a single hop to
    its thread (execute and fetch together): a single statement is atomic, and SQLAlchemy's
    path costs several hops (measured: 0.06 ms instead of 1.4 ms per acknowledgement)."""
    sql, names, processors = _sqlite_insert(connection.dialect)
    params = [
        processor(values[name]) if processor else values[name]
        for name, processor in zip(names, processors, strict=True)
    ]
    raw = await connection.get_raw_connection()
    stored = await raw.driver_connection.execute_fetchall(sql, params)  # type: ignore[union-attr]
    return len(list(stored)) == 1


@cache
def _sqlite_insert(dialect: Dialect) -> tuple[str, tuple[str, ...], tuple[Any, ...]]:
    """The INSERT … ON CONFLICT DO NOTHING RETURNING key as SQLAlchemy compiles it, with each
    column's own bind processing (aware datetimes to SQLite's UTC text), compiled once. The
    returned key tells an insert from a conflict without a second call for the row count."""
    table: Any = InboxItem.__table__  # type: ignore[attr-defined]
    statement = (
        sqlite.insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
    )
    compiled: Any = statement.compile(dialect=dialect, column_keys=[c.name for c in table.c])
    names = tuple(compiled.positiontup)
    processors = tuple(table.c[name].type.bind_processor(dialect) for name in names)
    return str(compiled), names, processors


async def take_abandoned(
    session: AsyncSession, owner: str, now: datetime, lease: timedelta, limit: int
) -> Sequence[InboxItem]:
    """Leases up to `limit` unfinished replayable rows nobody holds, oldest first."""
    keys = (
        await session.exec(
            select(InboxItem.key)
            .where(
                col(InboxItem.done_at).is_(None),
                col(InboxItem.lease_until) < now,
                col(InboxItem.payload).is_not(None),
                col(InboxItem.attempts) < MAX_ATTEMPTS,
            )
            .order_by(col(InboxItem.received_at))
            .limit(limit)
        )
    ).all()
    return await _take(session, list(keys), owner, now, now + lease)


async def _take(
    session: AsyncSession, keys: list[str], owner: str, now: datetime, until: datetime
) -> list[InboxItem]:
    if not keys:
        return []
    rows: Any = await session.exec(_takeover(keys, owner, now, until))
    return [InboxItem.model_validate(dict(row._mapping)) for row in rows.all()]


def _takeover(keys: list[str], owner: str, now: datetime, until: datetime) -> Any:
    return (
        update(InboxItem)
        .where(
            col(InboxItem.key).in_(keys),
            col(InboxItem.done_at).is_(None),
            col(InboxItem.lease_until) < now,
        )
        .values(owner=owner, lease_until=until, attempts=col(InboxItem.attempts) + 1)
        .returning(*InboxItem.__table__.columns)  # type: ignore[attr-defined]
    )


async def finish(connection: AsyncConnection, key: str, now: datetime) -> None:
    """Marks the row done after every answered event: one autocommitted UPDATE, on SQLite
    straight on the driver in one hop (as `admit`; measured: 0.08 ms of CPU instead of 0.64)."""
    if connection.dialect.name != "sqlite":
        await connection.execute(
            update(InboxItem).where(col(InboxItem.key) == key).values(done_at=now)
        )
        return
    sql, names, processors = _sqlite_finish(connection.dialect)
    values = {"key": key, "done_at": now}
    params = [
        processor(values[name]) if processor else values[name]
        for name, processor in zip(names, processors, strict=True)
    ]
    raw = await connection.get_raw_connection()
    await raw.driver_connection.execute_fetchall(sql, params)  # type: ignore[union-attr]


@cache
def _sqlite_finish(dialect: Dialect) -> tuple[str, tuple[str, ...], tuple[Any, ...]]:
    """The UPDATE as SQLAlchemy compiles it, its parameters' order and bind processing."""
    table: Any = InboxItem.__table__  # type: ignore[attr-defined]
    statement = (
        update(table).where(table.c.key == bindparam("key")).values(done_at=bindparam("done_at"))
    )
    compiled: Any = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup)
    processors = tuple(table.c[name].type.bind_processor(dialect) for name in names)
    return str(compiled), names, processors


async def renew(session: AsyncSession, keys: Sequence[str], owner: str, until: datetime) -> None:
    """Keeps this replica's leases on rows it is still working on."""
    await session.exec(
        update(InboxItem)
        .where(
            col(InboxItem.key).in_(list(keys)),
            col(InboxItem.owner) == owner,
            col(InboxItem.done_at).is_(None),
        )
        .values(lease_until=until)
    )


async def release(session: AsyncSession, keys: Sequence[str], owner: str, now: datetime) -> None:
    """Hands unfinished rows back at shutdown, so the next replica to look takes them at once
    (as a resumed attempt: a reply may have gone out before the work was cut off)."""
    await session.exec(
        update(InboxItem)
        .where(
            col(InboxItem.key).in_(list(keys)),
            col(InboxItem.owner) == owner,
            col(InboxItem.done_at).is_(None),
        )
        .values(lease_until=now)
    )


async def prune(session: AsyncSession, received_before: datetime, now: datetime) -> int:
    """Forgets deliveries older than any platform's retry window, and expired pending forms."""
    old: Any = await session.exec(
        delete(InboxItem).where(col(InboxItem.received_at) < received_before)
    )
    await session.exec(delete(PendingForm).where(col(PendingForm.expires_at) < now))
    return int(old.rowcount or 0)


async def offer_form(session: AsyncSession, form: PendingForm) -> None:
    session.add(form)


async def take_form(session: AsyncSession, token: str, now: datetime) -> str | None:
    """The stored form behind `token`, once, while it has not expired (one click on any
    replica opens it; a second is told it expired)."""
    taken: Any = await session.exec(
        delete(PendingForm)
        .where(col(PendingForm.token) == token, col(PendingForm.expires_at) > now)
        .returning(col(PendingForm.content))
    )
    content = taken.scalar_one_or_none()
    return None if content is None else str(content)


async def open_count(session: AsyncSession) -> int:
    """Deliveries not yet done, on every replica (the `ix_inbox_item_open` index answers it)."""
    statement = select(func.count()).select_from(InboxItem).where(col(InboxItem.done_at).is_(None))
    return int((await session.exec(statement)).one())
