"""Slack installations (OAuth distribution) and the OAuth `state` values handed to browsers.

One row per installation, keyed by enterprise and team: a workspace install has both (the
enterprise empty outside Enterprise Grid), an org-wide install has the enterprise and an empty
team. Tokens are stored encrypted (Fernet, see adapters/slack/tokens.py), never in clear.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class SlackInstallation(SQLModel, table=True):
    """`revoked_at` is set by `app_uninstalled` / `tokens_revoked`: nothing is posted to the
    workspace from then on, and its data is purged once the grace period has passed."""

    __tablename__ = "slack_installation"
    __table_args__ = (UniqueConstraint("enterprise_id", "team_id"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(default="", max_length=32)
    team_id: str = Field(default="", max_length=32)
    is_enterprise_install: bool = False
    app_id: str = Field(default="", max_length=32)
    enterprise_name: str = Field(default="", max_length=255)
    team_name: str = Field(default="", max_length=255)
    bot_id: str = Field(default="", max_length=32)
    bot_user_id: str = Field(default="", max_length=32)
    bot_scopes: str = Field(default="", sa_type=Text)
    installer_user_id: str = Field(default="", max_length=32)
    bot_token_sealed: str = Field(sa_type=Text)
    bot_refresh_token_sealed: str | None = Field(default=None, sa_type=Text)
    bot_token_expires_at: int | None = None  # Unix seconds, as Slack's `expires_in` implies
    installed_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SlackOrgTeam(SQLModel, table=True):
    """A workspace of an Enterprise Grid org seen under an org-wide install, so posts that
    name only the workspace (scheduled jobs) find the org's installation."""

    __tablename__ = "slack_org_team"

    team_id: str = Field(primary_key=True, max_length=32)
    enterprise_id: str = Field(max_length=32)


class SlackOAuthState(SQLModel, table=True):
    """An OAuth `state` issued by `/slack/install`; consumed once by `/slack/oauth_redirect`."""

    __tablename__ = "slack_oauth_state"

    state: str = Field(primary_key=True, max_length=128)
    expires_at: datetime = Field(sa_type=UTCDateTime)
