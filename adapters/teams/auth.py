"""Bot Framework authentication: our own non-blocking token check, botbuilder for the rest.

Inbound tokens are verified by `adapters.teams.tokens` (keys fetched off the event loop, see
`adapters.teams.keys`), never by botbuilder's validators, which fetch keys with a blocking
`requests.get`. botbuilder still builds what follows from a verified identity: the connector
factory, the outbound audience and credentials.

Outbound, botbuilder would create a fresh msal client (and so fetch a fresh token, blocking)
for every connector; credentials are reused here, and the token is fetched in a thread with
a timeout before the connector is handed out, so signing a request only reads msal's cache.

botbuilder's connector sends through `requests`, whose urllib3 retry policy silently retries
some 5xx answers (PUT on 503, ...) without honouring our backoff. We switch that status
retrying off on every connector it creates, so `adapters.teams.retry` is the single place that
decides how throttling is retried. Connection-level retries stay as the SDK configures them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from botbuilder.integration.aiohttp import (
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity, CallerIdConstants
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    ServiceClientCredentialsFactory,
    UserTokenClient,
)
from msrest.authentication import Authentication

from adapters.teams.keys import SigningKeys
from adapters.teams.tokens import ChannelTokens, VerifiedToken
from bot.settings import Settings

OUTBOUND_TOKEN_TIMEOUT = 10.0


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


def authentication(settings: Settings, *, secure: bool) -> TeamsAuthentication:
    config = configuration(settings, secure=secure)
    credentials = _ReusedCredentials(ConfigurationServiceClientCredentialFactory(config))
    inner = ConfigurationBotFrameworkAuthentication(config, credentials_factory=credentials)
    if not secure:
        return TeamsAuthentication(inner, None)
    keys = SigningKeys(
        settings.teams_openid_metadata_url, timeout=settings.teams_key_timeout_seconds
    )
    return TeamsAuthentication(inner, ChannelTokens(config.APP_ID, keys))


class TeamsAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """Verifies tokens itself (`tokens`; None in insecure local mode), delegates the rest."""

    def __init__(self, inner: BotFrameworkAuthentication, tokens: ChannelTokens | None) -> None:
        self._inner = inner
        self.tokens = tokens

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        if self.tokens is None:
            # Authentication is off: botbuilder answers an anonymous identity for no header
            # (with one it would fetch keys, blocking, for a check that means nothing here).
            result = await self._inner.authenticate_request(activity, "")
            result.connector_factory = _Connectors(result.connector_factory)
            return result
        return self.result_for(await self.tokens.verify(auth_header), activity)

    def result_for(self, token: VerifiedToken, activity: Activity) -> AuthenticateRequestResult:
        """What CloudAdapter needs to run a turn for an activity this token was issued for."""
        token.check_activity(activity.channel_id, activity.service_url)
        identity = ClaimsIdentity(token.claims, True)
        result = AuthenticateRequestResult()
        result.claims_identity = identity
        result.audience = self._inner.get_originating_audience()
        result.caller_id = CallerIdConstants.public_azure_channel
        result.connector_factory = self.create_connector_factory(identity)
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        raise PermissionError("alignbot accepts activities over HTTP POST only")

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _Connectors(self._inner.create_connector_factory(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self._inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        raise PermissionError("alignbot is not a skill: no skill calls are accepted")

    async def close(self) -> None:
        if self.tokens is not None:
            await self.tokens.keys.close()


class _ReusedCredentials(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """One credentials object (so one msal token cache) per audience, not one per request."""

    def __init__(self, inner: ServiceClientCredentialsFactory) -> None:
        self._inner = inner
        self._made: dict[tuple[str, str, str, bool], Authentication] = {}

    async def is_valid_app_id(self, app_id: str) -> bool:
        return bool(await self._inner.is_valid_app_id(app_id))

    async def is_authentication_disabled(self) -> bool:
        return bool(await self._inner.is_authentication_disabled())

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> Authentication:
        key = (app_id, oauth_scope, login_endpoint, validate_authority)
        if key not in self._made:
            self._made[key] = await self._inner.create_credentials(
                app_id, oauth_scope, login_endpoint, validate_authority
            )
        return self._made[key]


class _Connectors(ConnectorFactory):  # type: ignore[misc]
    def __init__(self, inner: ConnectorFactory) -> None:
        self._inner = inner

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        client = await self._inner.create(service_url, audience)
        policy = client.config.retry_policy.policy
        policy.status_forcelist = frozenset()
        policy.respect_retry_after_header = False
        policy.raise_on_status = False
        credentials = client.config.credentials
        if getattr(credentials, "microsoft_app_id", ""):
            # msal fetches with blocking requests: warm its cache off the event loop.
            async with asyncio.timeout(OUTBOUND_TOKEN_TIMEOUT):
                await asyncio.to_thread(credentials.get_access_token)
        return client
