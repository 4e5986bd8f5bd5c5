"""Fresh, migrated databases per test: a SQLite file, or a private PostgreSQL schema."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import Database

POSTGRES_URL = os.environ.get(
    "ALIGNBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


async def migrated_sqlite_file(path: Path) -> Path:
    """A SQLite file at the head migration, to copy for each test instead of migrating again."""
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.upgrade()
    await db.dispose()
    return path


@asynccontextmanager
async def sqlite_database(directory: Path, template: Path | None = None) -> AsyncIterator[Database]:
    """A fresh database; copied from `template` when given (same schema, no migration run)."""
    path = directory / "alignbot-test.db"
    if template is not None:
        shutil.copyfile(template, path)
    db = Database(f"sqlite+aiosqlite:///{path}")
    if template is None:
        await db.upgrade()
    try:
        yield db
    finally:
        await db.dispose()


@asynccontextmanager
async def postgres_database() -> AsyncIterator[Database]:
    """A schema of its own, so parallel or repeated runs never see each other's rows."""
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_async_engine(POSTGRES_URL)
    try:
        async with admin.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OSError as error:
        await admin.dispose()
        if running_in_ci():
            raise RuntimeError(f"PostgreSQL is required in CI but unreachable: {error}") from error
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL} ({error}); CI runs these tests")
    db = Database(POSTGRES_URL, search_path=schema)
    try:
        await db.upgrade()
        yield db
    finally:
        await db.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@asynccontextmanager
async def postgres_database_url(prefix: str) -> AsyncIterator[str]:
    """A whole PostgreSQL database of its own, for processes that connect by URL alone."""
    import asyncpg

    name = f"{prefix}_{secrets.token_hex(4)}"
    try:
        admin = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg", "postgresql"))
    except OSError as error:
        if running_in_ci():
            raise
        pytest.skip(f"PostgreSQL unreachable ({error}); CI runs this test")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
