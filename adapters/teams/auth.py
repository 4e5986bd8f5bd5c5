"""Bot Framework authentication, configured from our settings, with one retry layer only.

botbuilder's connector sends through `requests`, whose urllib3 retry policy silently retries
some 5xx answers (PUT on 503, ...) without honouring our backoff. We switch that status
retrying off on every connector it creates, so `adapters.teams.retry` is the single place that
decides how throttling is retried. Connection-level retries stay as the SDK configures them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)

from bot.settings import Settings


@dataclass(frozen=True)
class BotConfiguration:
    """The attribute names botbuilder's configuration-driven classes read."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str | None


def configuration(settings: Settings, *, secure: bool) -> BotConfiguration:
    """Credentials from settings; empty ones (insecure local mode) disable JWT validation."""
    if not secure:
        return BotConfiguration("", "", "MultiTenant", None)
    return BotConfiguration(
        APP_ID=settings.microsoft_app_id or "",
        APP_PASSWORD=settings.microsoft_app_password or "",
        APP_TYPE=settings.microsoft_app_type,
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )


def authentication(settings: Settings, *, secure: bool) -> BotFrameworkAuthentication:
    return SingleRetryLayer(
        ConfigurationBotFrameworkAuthentication(configuration(settings, secure=secure))
    )


class SingleRetryLayer(BotFrameworkAuthentication):  # type: ignore[misc]
    """Delegates everything; only connector creation is adjusted (see module docstring)."""

    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        self._inner = inner

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _Connectors(result.connector_factory)
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _Connectors(self._inner.create_connector_factory(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self._inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)


class _Connectors(ConnectorFactory):  # type: ignore[misc]
    def __init__(self, inner: ConnectorFactory) -> None:
        self._inner = inner

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        client = await self._inner.create(service_url, audience)
        policy = client.config.retry_policy.policy
        policy.status_forcelist = frozenset()
        policy.respect_retry_after_header = False
        policy.raise_on_status = False
        return client
