"""Migrations and models never drift apart, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.models import metadata


def _drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_migrated_schema_matches_the_models(database: Database) -> None:
    async with database.engine.connect() as connection:
        drift = await connection.run_sync(_drift)
    assert drift == []


async def test_upgrade_is_idempotent(database: Database) -> None:
    await database.upgrade()
    await database.upgrade()
