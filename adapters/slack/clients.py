"""Which Slack Web API client (which token) a call goes out with.

Single-token mode (self-hosting): one client with `SLACK_BOT_TOKEN` for everything. OAuth
mode: one `AsyncWebClient` per installation, its token read from the installation store for
every use (so a revocation seen by any replica stops posting at once), rotated with the
refresh token when it is about to expire (Slack's token rotation), and none at all for a
workspace that removed the app: `WorkspaceGone` is raised before anything is sent.

The workspace a call is for travels in `current_workspace`: set from the request being
answered (adapter) or from the conversation a scheduled post names (messenger).
"""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import ClientSession
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installations import DatabaseInstallationStore, InstallationKey, StoredBot
from adapters.slack.messenger import web_client
from adapters.slack.workspace import WorkspaceGone, current_workspace
from bot.metrics import Metrics

log = logging.getLogger(__name__)

ROTATE_MINUTES_BEFORE_EXPIRY = 120  # bolt's default: refresh a token two hours before it expires


class InstallationClients:
    """One client per installation, tokens from the store, rotated when due."""

    def __init__(
        self,
        store: DatabaseInstallationStore,
        base_url: str,
        rotator: AsyncTokenRotator,
        metrics: Metrics,
    ) -> None:
        self.store = store
        self.base_url = base_url
        self.rotator = rotator
        self.metrics = metrics
        self.session: ClientSession | None = None
        self._clients: dict[InstallationKey, AsyncWebClient] = {}
        self._rotating: dict[InstallationKey, asyncio.Lock] = {}
        self._org_teams_seen: set[str] = set()

    async def current(self) -> AsyncWebClient:
        workspace = current_workspace.get()
        if workspace is None:
            raise WorkspaceGone("no Slack workspace named for this call")
        key = workspace.key or await self.store.key_for_workspace(workspace.team_id)
        stored = await self._active(key)
        if not stored.key.team_id and workspace.team_id:
            await self._remember_org_team(workspace.team_id, stored.key.enterprise_id)
        return self._client(stored)

    async def _active(self, key: InstallationKey) -> StoredBot:
        stored = await self.store.find(key)
        if stored is None:
            raise WorkspaceGone(f"Slack installation {key} is not active")
        if self._due(stored):
            lock = self._rotating.setdefault(stored.key, asyncio.Lock())
            async with lock:  # one refresh per installation; the others read its result
                stored = await self._rotated(key)
        return stored

    @staticmethod
    def _due(stored: StoredBot) -> bool:
        """Slack's rotating tokens expire after 12 hours; refresh ahead, as bolt does."""
        bot = stored.bot
        if bot.bot_refresh_token is None or bot.bot_token_expires_at is None:
            return False
        return bot.bot_token_expires_at <= time.time() + ROTATE_MINUTES_BEFORE_EXPIRY * 60

    async def _rotated(self, key: InstallationKey) -> StoredBot:
        stored = await self.store.find(key)
        if stored is None:
            raise WorkspaceGone(f"Slack installation {key} is not active")
        try:
            bot = await self.rotator.perform_bot_token_rotation(
                bot=stored.bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
            )
        except SlackTokenRotationError as error:
            raise WorkspaceGone(f"Slack token rotation failed for {key}: {error}") from None
        if bot is None:
            return stored
        await self.store.save_rotated(stored, bot)
        log.info("slack bot token rotated for %s", stored.key)
        return StoredBot(stored.row_id, stored.key, bot)

    def _client(self, stored: StoredBot) -> AsyncWebClient:
        client = self._clients.get(stored.key)
        if client is None:
            client = web_client(stored.bot.bot_token, self.base_url, self.metrics)
            self._clients[stored.key] = client
        client.token = stored.bot.bot_token
        client.session = self.session
        return client

    async def _remember_org_team(self, team_id: str, enterprise_id: str) -> None:
        if team_id in self._org_teams_seen:
            return
        await self.store.remember_org_team(team_id, enterprise_id)
        self._org_teams_seen.add(team_id)
