"""bolt's installation and OAuth-state stores on alignbot's own database.

`DatabaseInstallationStore` keeps one bot installation per (enterprise, team) with its tokens
sealed by `TokenCipher`; an org-wide (Enterprise Grid) install is keyed by the enterprise
alone. Deleting, as bolt's revocation handling would, only marks it revoked: nothing is
posted to the workspace from then on and its data is purged after the grace period
(adapters/slack/uninstall.py). `DatabaseStateStore` issues OAuth `state` values that
`/slack/oauth_redirect` consumes once, whichever replica serves the redirect.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from logging import Logger
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from adapters.slack.tokens import TokenCipher
from bot.ports import Clock
from storage.db import Database
from storage.models.slack_installations import SlackInstallation
from storage.repositories import slack_installations as repo

log = logging.getLogger(__name__)

STATE_SECONDS = 600  # bolt's default lifetime of an OAuth state


@dataclass(frozen=True)
class InstallationKey:
    """Which installation a request or a post belongs to. Empty strings, never None."""

    enterprise_id: str
    team_id: str

    @staticmethod
    def of(
        enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
    ) -> InstallationKey:
        if is_enterprise_install:
            return InstallationKey(enterprise_id or "", "")
        return InstallationKey(enterprise_id or "", team_id or "")

    @property
    def org(self) -> InstallationKey:
        """The org-wide installation this workspace may fall under."""
        return InstallationKey(self.enterprise_id, "")


@dataclass(frozen=True)
class StoredBot:
    """An active installation with its tokens opened."""

    row_id: int
    key: InstallationKey
    bot: Bot


class DatabaseInstallationStore(AsyncInstallationStore):
    def __init__(self, db: Database, cipher: TokenCipher, clock: Clock, client_id: str) -> None:
        self.db = db
        self.cipher = cipher
        self.clock = clock
        self.client_id = client_id
        self._logger = log

    @property
    def logger(self) -> Logger:
        return self._logger

    # Saving ------------------------------------------------------------------------------

    async def async_save(self, installation: Installation) -> None:
        await self.async_save_bot(installation.to_bot())
        if installation.user_id:
            key = InstallationKey.of(
                installation.enterprise_id,
                installation.team_id,
                installation.is_enterprise_install,
            )
            async with self.db.transaction() as session:
                row = await repo.find(session, key.enterprise_id, key.team_id)
                if row is not None and not row.installer_user_id:
                    row.installer_user_id = installation.user_id
                    session.add(row)

    async def async_save_bot(self, bot: Bot) -> None:
        key = InstallationKey.of(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        values: dict[str, Any] = {
            "enterprise_id": key.enterprise_id,
            "team_id": key.team_id,
            "is_enterprise_install": bool(bot.is_enterprise_install),
            "app_id": bot.app_id or "",
            "enterprise_name": bot.enterprise_name or "",
            "team_name": bot.team_name or "",
            "bot_id": bot.bot_id or "",
            "bot_user_id": bot.bot_user_id or "",
            "bot_scopes": ",".join(bot.bot_scopes or []),
            "bot_token_sealed": self.cipher.seal(bot.bot_token),
            "bot_refresh_token_sealed": (
                self.cipher.seal(bot.bot_refresh_token) if bot.bot_refresh_token else None
            ),
            "bot_token_expires_at": bot.bot_token_expires_at,
            "installed_at": self.clock.now(),
        }
        async with self.db.transaction() as session:
            await repo.save(session, values)
        log.info("slack installation saved for %s", key)

    async def save_rotated(self, stored: StoredBot, bot: Bot) -> None:
        """New tokens after a rotation, sealed; nothing else about the installation changes."""
        async with self.db.transaction() as session:
            await repo.replace_tokens(
                session,
                stored.row_id,
                self.cipher.seal(bot.bot_token),
                self.cipher.seal(bot.bot_refresh_token) if bot.bot_refresh_token else None,
                bot.bot_token_expires_at,
            )

    # Finding -----------------------------------------------------------------------------

    async def find(self, key: InstallationKey) -> StoredBot | None:
        """The active installation for `key`, falling back to its org's org-wide install."""
        candidates = [key] if not key.team_id or not key.enterprise_id else [key, key.org]
        async with self.db.transaction() as session:
            for candidate in candidates:
                row = await repo.find(session, candidate.enterprise_id, candidate.team_id)
                if row is not None:
                    break
        if row is None or row.revoked_at is not None or row.id is None:
            return None
        return StoredBot(row.id, InstallationKey(row.enterprise_id, row.team_id), self._bot(row))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        stored = await self.find(InstallationKey.of(enterprise_id, team_id, is_enterprise_install))
        return stored.bot if stored is not None else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """Bot installations only: alignbot asks for no user token."""
        key = InstallationKey.of(enterprise_id, team_id, is_enterprise_install)
        stored = await self.find(key)
        if stored is None:
            return None
        bot = stored.bot
        return Installation(
            app_id=bot.app_id,
            enterprise_id=bot.enterprise_id,
            enterprise_name=bot.enterprise_name,
            team_id=bot.team_id,
            team_name=bot.team_name,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at,
            user_id="",
            is_enterprise_install=bot.is_enterprise_install,
            installed_at=bot.installed_at,
        )

    def _bot(self, row: SlackInstallation) -> Bot:
        return Bot(
            app_id=row.app_id or None,
            enterprise_id=row.enterprise_id or None,
            enterprise_name=row.enterprise_name or None,
            team_id=row.team_id or None,
            team_name=row.team_name or None,
            bot_token=self.cipher.open(row.bot_token_sealed),
            bot_refresh_token=(
                self.cipher.open(row.bot_refresh_token_sealed)
                if row.bot_refresh_token_sealed
                else None
            ),
            bot_token_expires_at=row.bot_token_expires_at,
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes,
            is_enterprise_install=row.is_enterprise_install,
            installed_at=row.installed_at.timestamp(),
        )

    # Revoking ----------------------------------------------------------------------------

    async def revoke(self, key: InstallationKey) -> bool:
        """Stops all posting to the installation at once; its data is purged later."""
        async with self.db.transaction() as session:
            revoked = await repo.revoke(session, key.enterprise_id, key.team_id, self.clock.now())
        if revoked:
            log.warning("slack installation %s revoked: posting stopped, data purge scheduled", key)
        return revoked

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.revoke(InstallationKey(enterprise_id or "", team_id or ""))

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is None:  # a user's own token is never stored, so only the bot matters
            await self.revoke(InstallationKey(enterprise_id or "", team_id or ""))

    # Enterprise Grid ---------------------------------------------------------------------

    async def remember_org_team(self, team_id: str, enterprise_id: str) -> None:
        async with self.db.transaction() as session:
            await repo.remember_org_team(session, team_id, enterprise_id)

    async def key_for_workspace(self, team_id: str) -> InstallationKey:
        """For posts that name only the workspace: its org when it was seen under one."""
        async with self.db.transaction() as session:
            enterprise_id = await repo.enterprise_of(session, team_id)
        return InstallationKey(enterprise_id or "", team_id)


class DatabaseStateStore(AsyncOAuthStateStore):
    def __init__(self, db: Database, clock: Clock, expiration_seconds: int = STATE_SECONDS) -> None:
        self.db = db
        self.clock = clock
        self.expiration = timedelta(seconds=expiration_seconds)

    @property
    def logger(self) -> Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        async with self.db.transaction() as session:
            await repo.issue_state(session, state, self.clock.now() + self.expiration)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state:
            return False
        async with self.db.transaction() as session:
            return await repo.consume_state(session, state, self.clock.now())
