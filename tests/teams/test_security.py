"""Who may talk to /api/messages: JWT-validated with credentials, never open by accident."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlmodel import select

from adapters import teams as teams_adapter
from adapters.server import build_web_app
from bot.app import AlignBot
from bot.context import Context
from bot.ports import MessengerHub
from bot.settings import Settings
from storage.db import Database
from storage.models.teams_refs import TeamsReference
from tests.support.fake_connector import FakeConnector
from tests.support.recording import FakeClock
from tests.teams.activities import message
from tests.teams.conftest import serve

APP_ID = "11111111-2222-3333-4444-555555555555"


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


def _bot(db: Database, settings: Settings) -> AlignBot:
    return AlignBot(Context(db=db, messenger=MessengerHub(), clock=FakeClock(), settings=settings))


async def _post(app: web.Application, activity: dict[str, Any], **headers: str) -> int:
    runner, url = await serve(app)
    try:
        async with aiohttp.ClientSession() as session:
            response = await session.post(f"{url}/api/messages", json=activity, headers=headers)
            return response.status
    finally:
        await runner.cleanup()


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


async def test_without_credentials_or_the_flag_nothing_is_exposed(
    sqlite_db: Database, connector: FakeConnector, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings()
    bot = _bot(sqlite_db, settings)
    caplog.set_level(logging.INFO, logger="adapters.teams")
    assert teams_adapter.mount(web.Application(), bot, settings) is False
    assert "Teams is off" in caplog.text
    assert await _post(build_web_app(bot, settings), message(connector.url, "help")) == 404
    assert connector.calls == []


async def test_the_insecure_flag_mounts_with_a_loud_warning(
    sqlite_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(ALIGNBOT_TEAMS_INSECURE_LOCAL=True)
    app = web.Application()
    assert teams_adapter.mount(app, _bot(sqlite_db, settings), settings) is True
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("WITHOUT AUTHENTICATION" in r.getMessage() for r in warnings)
    assert app[teams_adapter.TEAMS_KEY].secure is False


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-jwt"])
async def test_with_credentials_unauthenticated_requests_are_rejected(
    sqlite_db: Database, connector: FakeConnector, authorization: str | None
) -> None:
    settings = _settings(
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="secret",
        ALIGNBOT_TEAMS_INSECURE_LOCAL=True,  # credentials win: the flag never disables auth
    )
    bot = _bot(sqlite_db, settings)
    app = build_web_app(bot, settings)
    assert app[teams_adapter.TEAMS_KEY].secure is True
    headers = {"Authorization": authorization} if authorization else {}
    assert await _post(app, message(connector.url, "help"), **headers) == 401
    assert connector.calls == []
    async with sqlite_db.transaction() as session:
        stored = (await session.exec(select(TeamsReference))).all()
    assert stored == []


def test_single_tenant_without_a_tenant_id_refuses_to_start(sqlite_db: Database) -> None:
    settings = _settings(
        MICROSOFT_APP_ID=APP_ID, MICROSOFT_APP_PASSWORD="secret", MICROSOFT_APP_TYPE="SingleTenant"
    )
    with pytest.raises(ValueError, match="MICROSOFT_APP_TENANT_ID"):
        teams_adapter.mount(web.Application(), _bot(sqlite_db, settings), settings)


async def test_single_tenant_with_its_tenant_validates_tokens(
    sqlite_db: Database, connector: FakeConnector
) -> None:
    settings = _settings(
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="secret",
        MICROSOFT_APP_TYPE="SingleTenant",
        MICROSOFT_APP_TENANT_ID="tenant-1",
    )
    app = build_web_app(_bot(sqlite_db, settings), settings)
    assert await _post(app, message(connector.url, "help")) == 401
    assert connector.calls == []
