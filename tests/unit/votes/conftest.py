"""Faster databases for the votes flows: migrate one SQLite file once, copy it per test."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.db import Database


async def _migrate(path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.upgrade()
    await db.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("votes-template") / "template.db"
    asyncio.run(_migrate(path))
    return path


@pytest.fixture
async def sqlite_db(migrated_sqlite: Path, tmp_path: Path) -> AsyncIterator[Database]:
    """A private copy of the migrated database (same schema, no migration run per test)."""
    copy = tmp_path / "votes.db"
    shutil.copyfile(migrated_sqlite, copy)
    db = Database(f"sqlite+aiosqlite:///{copy}")
    try:
        yield db
    finally:
        await db.dispose()
