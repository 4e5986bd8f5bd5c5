"""OAuth distribution: install alignbot into many workspaces from one deployment.

bolt's `AsyncOAuthFlow` serves `/slack/install` (a page with the *Add to Slack* button, and
the state cookie) and `/slack/oauth_redirect` (state checked against the cookie and consumed
once, `oauth.v2.access`, the installation saved encrypted). bolt's `AsyncInstallationStoreAuthorize`
then finds each request's installation (and rotates its token when due); alignbot's own
outbound calls take theirs from `InstallationClients`. `app_uninstalled` and `tokens_revoked`
revoke the installation before they are acked (adapters/slack/uninstall.py purges later).
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

from adapters.slack.clients import ROTATE_MINUTES_BEFORE_EXPIRY, InstallationClients
from adapters.slack.installations import DatabaseInstallationStore, DatabaseStateStore
from adapters.slack.messenger import web_client
from adapters.slack.scopes import manifest_bot_scopes
from adapters.slack.tokens import TokenCipher
from adapters.slack.uninstall import purge_tick
from adapters.slack.workspace import workspace_of
from bot.context import Context
from bot.feature import Tick
from bot.settings import Settings

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
Body = dict[str, Any]


class Distribution:
    """Everything OAuth mode adds; raises `EncryptionKeyError` without a usable key."""

    def __init__(self, ctx: Context, settings: Settings) -> None:
        assert settings.slack_client_id
        assert settings.slack_client_secret
        cipher = TokenCipher(settings.encryption_key)
        self.store = DatabaseInstallationStore(ctx.db, cipher, ctx.clock, settings.slack_client_id)
        # Calls made before any installation is chosen (oauth.v2.access, auth.test): no token.
        self.api = web_client(None, settings.slack_api_url, ctx.metrics)
        rotator = AsyncTokenRotator(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            client=self.api,
        )
        self.clients = InstallationClients(self.store, settings.slack_api_url, rotator, ctx.metrics)
        scopes = settings.slack_scopes.split(",") if settings.slack_scopes else None
        self.oauth_settings = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            scopes=scopes or manifest_bot_scopes(),
            user_scopes=[],
            redirect_uri=settings.slack_redirect_uri,
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            authorization_url=settings.slack_authorize_url,
            installation_store=self.store,
            installation_store_bot_only=True,
            token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE_EXPIRY,
            state_store=DatabaseStateStore(ctx.db, ctx.clock),
            logger=logging.getLogger("slack_bolt.oauth"),
        )
        authorize = self.oauth_settings.authorize
        if isinstance(authorize, AsyncInstallationStoreAuthorize):
            authorize.token_rotator = rotator  # refresh at SLACK_API_URL, not bolt's default

    def mount(self, app: web.Application, flow: AsyncOAuthFlow) -> None:
        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_installation(await to_bolt_request(request))
            )

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_callback(await to_bolt_request(request))
            )

        app.router.add_get(INSTALL_PATH, install)
        app.router.add_get(REDIRECT_PATH, redirect)

    async def on_app_uninstalled(self, body: Body) -> None:
        """Stored before the ack: a failed write makes Slack retry the event."""
        key = workspace_of(body).key
        if key is not None:
            await self.store.revoke(key)

    async def on_tokens_revoked(self, body: Body, event: Body) -> None:
        """Only the bot token matters: alignbot keeps no user tokens."""
        key = workspace_of(body).key
        if key is not None and (event.get("tokens") or {}).get("bot"):
            await self.store.revoke(key)

    @staticmethod
    def purge_tick() -> Tick:
        return purge_tick()
