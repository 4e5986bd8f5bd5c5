"""Everything stored about a workspace, deleted at once (after the app was uninstalled)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Table, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import metadata

WORKSPACE_COLUMN = "workspace_id"


async def purge(session: AsyncSession, workspace_ids: Sequence[str]) -> dict[str, int]:
    """Deletes every row of `workspace_ids` from every table, children before parents (rows
    without a workspace column go through the parent they belong to). Returns counts by
    table. New tables are covered as long as they carry `workspace_id` or a parent that does."""
    deleted: dict[str, int] = {}
    if not workspace_ids:
        return deleted
    for table in reversed(metadata.sorted_tables):
        condition = _belongs(table, workspace_ids)
        if condition is None:
            continue
        result = await session.exec(delete(table).where(condition))
        if result.rowcount:
            deleted[table.name] = result.rowcount
    return deleted


def _belongs(table: Table, workspace_ids: Sequence[str]) -> ColumnElement[bool] | None:
    if WORKSPACE_COLUMN in table.c:
        return table.c[WORKSPACE_COLUMN].in_(workspace_ids)
    for key in table.foreign_keys:
        parent = key.column.table
        if WORKSPACE_COLUMN in parent.c:
            owners = select(key.column).where(parent.c[WORKSPACE_COLUMN].in_(workspace_ids))
            return key.parent.in_(owners)
    return None
