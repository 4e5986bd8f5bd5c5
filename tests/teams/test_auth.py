"""Real JWT validation against a local key service: right tokens in, every forgery out, no freeze.

The key service (tests/support/key_service.py) publishes our own RSA key the way
login.botframework.com does; the app is pointed at it through ALIGNBOT_TEAMS_OPENID_METADATA_URL.
Only Microsoft's outbound token endpoint (login.microsoftonline.com) is faked, by msal's answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
import pytest
from botframework.connector.auth import MicrosoftAppCredentials

from adapters.server import build_web_app
from bot.app import AlignBot
from bot.context import Context
from bot.ports import MessengerHub
from bot.settings import Settings
from storage.db import Database
from tests.slack.harness import SECRET, SlackHarness
from tests.support.fake_connector import FakeConnector
from tests.support.fake_slack import FakeSlack
from tests.support.key_service import KeyService, new_key
from tests.support.recording import FakeClock
from tests.teams.activities import message
from tests.teams.conftest import serve

APP_ID = "11111111-2222-3333-4444-555555555555"
KEY_TIMEOUT = 3.0  # wide enough that "answered while the fetch hangs" never races it


@dataclass
class SecureServer:
    url: str
    session: aiohttp.ClientSession
    keys: KeyService
    connector: FakeConnector
    slack: SlackHarness

    def token(self, **kwargs: Any) -> str:
        return self.keys.token(APP_ID, self.connector.url, **kwargs)

    async def post(
        self, activity: dict[str, Any] | None = None, token: str | None = None, **kwargs: Any
    ) -> aiohttp.ClientResponse:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        body = activity if activity is not None else message(self.connector.url, "help")
        response = await self.session.post(
            f"{self.url}/api/messages", json=body, headers=headers, **kwargs
        )
        await response.read()
        return response


@pytest.fixture
async def keys() -> AsyncIterator[KeyService]:
    service = await KeyService().start()
    yield service
    await service.close()


@pytest.fixture
async def server(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, keys: KeyService
) -> AsyncIterator[SecureServer]:
    def no_blocking_fetch(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("botbuilder's blocking key fetch must never run")

    monkeypatch.setattr(
        "botframework.connector.auth.jwt_token_extractor.requests.get", no_blocking_fetch
    )
    # Outside this machine: Entra ID's token endpoint for the bot's outbound calls.
    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", lambda *a, **k: "outbound")
    connector, fake_slack = FakeConnector(), await FakeSlack().start()
    await connector.start()
    settings = Settings(
        _env_file=None,
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="secret",
        ALIGNBOT_TEAMS_OPENID_METADATA_URL=keys.metadata_url,
        ALIGNBOT_TEAMS_KEY_TIMEOUT_SECONDS=KEY_TIMEOUT,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.api_url,
    )
    ctx = Context(db=sqlite_db, messenger=MessengerHub(), clock=FakeClock(), settings=settings)
    bot = AlignBot(ctx)
    app = build_web_app(bot, settings)
    runner, url = await serve(app)
    async with aiohttp.ClientSession() as session:
        slack = SlackHarness(f"{url}/slack/events", session, fake_slack, bot, app)
        yield SecureServer(url, session, keys, connector, slack)
        await slack.settle()
    await runner.cleanup()
    await connector.close()
    await fake_slack.close()


async def test_a_correctly_signed_token_reaches_the_bot_and_the_reply_the_connector(
    server: SecureServer,
) -> None:
    for _ in range(3):
        assert (await server.post(token=server.token())).status in (200, 201)
    replies = server.connector.of_kind("post") + server.connector.of_kind("reply")
    assert len(replies) == 3
    assert server.keys.metadata_requests == 1  # cached, not fetched per request


def _refused_tokens(server: SecureServer) -> dict[str, str]:
    now = int(time.time())
    other = new_key()
    return {
        "wrong key": server.token(key=other),
        "unknown kid": server.token(key=other, kid="not-published"),
        "expired": server.token(exp=now - 3600, iat=now - 7200, nbf=now - 7200),
        "wrong audience": server.token(aud="some-other-bot"),
        "wrong issuer": server.token(iss="https://evil.example"),
        "alg none": jwt.encode(
            {"iss": "https://api.botframework.com", "aud": APP_ID, "exp": now + 600},
            None,
            algorithm="none",
        ),
        "HS256 keyed with the public key's id": jwt.encode(
            {"iss": "https://api.botframework.com", "aud": APP_ID, "exp": now + 600},
            "test-key-1" * 4,
            algorithm="HS256",
            headers={"kid": "test-key-1"},
        ),
        "other serviceUrl": server.token(serviceurl="http://127.0.0.1:1/"),
        "no expiry": server.token(exp=None),
        "garbage": "not.a.jwt",
        "empty": "",
    }


async def test_every_kind_of_bad_token_is_refused_with_401(server: SecureServer) -> None:
    for shape, token in _refused_tokens(server).items():
        response = await server.post(token=token)
        assert response.status == 401, shape
        assert "Traceback" not in await response.text()
    missing = await server.post()
    assert missing.status == 401
    assert server.connector.calls == []


async def test_a_key_endorsed_for_other_channels_only_is_refused(server: SecureServer) -> None:
    server.keys.endorsements = ("skype",)
    assert (await server.post(token=server.token())).status == 401
    assert server.connector.calls == []


async def _answered(request: Any) -> None:
    response = await request
    await response.read()
    assert response.status == 200


async def test_a_hanging_key_service_freezes_nothing_and_gets_503_within_its_timeout(
    server: SecureServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.keys.hang = True
    started = time.perf_counter()
    stuck = [asyncio.ensure_future(server.post(token=server.token())) for _ in range(3)]
    await server.keys.requested.wait()  # the key fetch is now in flight and will not return

    health = [server.session.get(f"{server.url}/healthz") for _ in range(5)]
    await asyncio.gather(*map(_answered, health))
    await _answered(
        server.session.post(
            server.slack.url,
            data=(body := server.slack.command_body("/alignbot help")).encode(),
            headers=_slack_headers(body),
        )
    )
    # Ordering, not timing: every answer came while the key fetch still hung, so nothing
    # waited on it (latency figures belong to bench/, not to the suite).
    assert not any(task.done() for task in stuck)

    statuses = [response.status for response in await asyncio.gather(*stuck)]
    assert statuses == [503, 503, 503]
    assert time.perf_counter() - started < KEY_TIMEOUT * 3  # refused at its timeout, not hung
    assert server.keys.metadata_requests == 1  # one fetch in flight, shared by all three
    warnings = [r for r in caplog.records if r.name.startswith("adapters.teams.keys")]
    assert len(warnings) == 1
    assert warnings[0].exc_info is None


async def test_an_unreachable_key_service_is_503_with_one_log_line(
    server: SecureServer, caplog: pytest.LogCaptureFixture
) -> None:
    await server.keys.close()  # nothing listens on its port any more
    statuses = [(await server.post(token=server.token())).status for _ in range(4)]
    assert statuses == [503] * 4
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1
    assert lines[0].exc_info is None
    assert "Traceback" not in caplog.text
    assert server.connector.calls == []


def _slack_headers(body: str) -> dict[str, str]:
    from tests.slack.harness import sign

    now = int(time.time())
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": sign(SECRET, now, body),
    }


async def test_unauthenticated_malformed_bodies_are_401_and_authenticated_ones_400(
    server: SecureServer,
) -> None:
    url = f"{server.url}/api/messages"
    bodies: list[tuple[bytes, str, int]] = [  # body, content type, status once authenticated
        (b"", "application/json", 400),
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'{"type": "message", "timestamp": "garbage"}', "application/json", 400),
        (b"text=hello", "application/x-www-form-urlencoded", 415),
        (b"\xff\xfe", "application/json", 400),
    ]
    for body, content_type, malformed in bodies:
        for token, expected in ((None, 401), ("forged", 401), (server.token(), malformed)):
            headers = {"Content-Type": content_type}
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
            async with server.session.post(url, data=body, headers=headers) as response:
                assert response.status == expected, (body, token)
    huge = b'{"type": "message", "text": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {server.token()}"}
    async with server.session.post(url, data=huge, headers=headers) as response:
        assert response.status == 413
    assert server.connector.calls == []
