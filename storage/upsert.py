"""INSERT ... ON CONFLICT for both dialects, so concurrent first-time writes never collide."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An `insert()` whose dialect offers `on_conflict_do_update` / `on_conflict_do_nothing`."""
    bind = session.bind
    assert bind is not None
    if bind.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
