"""Fixtures shared by every suite: databases, a recording messenger, a fake clock, the core."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import AlignBot
from bot.context import Context
from bot.events import Actor, Command, Conversation, Message
from bot.ports import MessengerHub
from bot.replies import Outcome
from bot.settings import Settings
from storage.db import Database
from tests.support.databases import migrated_sqlite_file, postgres_database, sqlite_database
from tests.support.no_io_in_transaction import forbid_network_in_transactions
from tests.support.recording import FakeClock, RecordingMessenger

WORKSPACE = "W1"


@pytest.fixture(autouse=True)
def no_network_in_transactions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every test fails if a platform call or outbound HTTP request ran inside a transaction."""
    with forbid_network_in_transactions(monkeypatch) as seen:
        yield seen
    assert not seen, f"network I/O inside a database transaction: {seen}"


@pytest.fixture(autouse=True, scope="session")
def server_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The server key is created in a temporary folder, never in the checkout's ./data."""
    path = tmp_path_factory.mktemp("server-key") / "alignbot-secret.key"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALIGNBOT_SECRET_FILE", str(path))
        yield path


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once per run; tests/storage/test_migrations.py still migrates from scratch."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    return asyncio.run(migrated_sqlite_file(path))


@pytest.fixture
async def sqlite_db(tmp_path: Path, migrated_sqlite: Path) -> AsyncIterator[Database]:
    async with sqlite_database(tmp_path, migrated_sqlite) as db:
        yield db


@pytest.fixture
async def pg_db() -> AsyncIterator[Database]:
    async with postgres_database() as db:
        yield db


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """Parametrises a test over both supported databases."""
    if request.param == "sqlite":
        async with sqlite_database(tmp_path) as db:
            yield db
    else:
        async with postgres_database() as db:
            yield db


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None, ALIGNBOT_ADMINS="")  # type: ignore[call-arg]


@pytest.fixture
async def alignbot(
    sqlite_db: Database, clock: FakeClock, messenger: RecordingMessenger, settings: Settings
) -> AlignBot:
    hub = MessengerHub()
    hub.connect("local", messenger)
    return AlignBot(Context(db=sqlite_db, messenger=hub, clock=clock, settings=settings))


def person(user_id: str = "U1", name: str = "Ada", *, admin: bool = False) -> Actor:
    return Actor("local", WORKSPACE, user_id, name, "Europe/Berlin", is_admin=admin)


def channel(channel_id: str = "C1") -> Conversation:
    return Conversation("local", WORKSPACE, channel_id)


async def ask(bot: AlignBot, line: str, who: Actor | None = None, where: str = "C1") -> Outcome:
    """Sends a line as a person would type it: `/who owns x` as a command, else a message."""
    who = who or person()
    if line.startswith("/"):
        name, _, rest = line[1:].partition(" ")
        return await bot.handle(Command(name, rest, who, channel(where)))
    return await bot.handle(Message(line, who, channel(where)))
