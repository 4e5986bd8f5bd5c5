"""Configuration from the environment (and an optional `.env` file)."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import DEFAULT_TIMEOUT_SECONDS, DEFAULT_URL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(DEFAULT_URL, validation_alias="ALIGNBOT_DATABASE_URL")
    # The longest one statement or lock wait may take (SQLite busy_timeout, PostgreSQL
    # statement_timeout); a slow statement fails instead of hanging a request or a job.
    database_timeout_seconds: float = Field(
        DEFAULT_TIMEOUT_SECONDS, validation_alias="ALIGNBOT_DATABASE_TIMEOUT_SECONDS", gt=0
    )
    host: str = Field("0.0.0.0", validation_alias="ALIGNBOT_HOST")
    port: int = Field(3978, validation_alias=AliasChoices("ALIGNBOT_PORT", "PORT"))
    log_level: str = Field("INFO", validation_alias="ALIGNBOT_LOG_LEVEL")
    # json (one object per line), text, or auto: text on a terminal, JSON otherwise.
    log_format: Literal["auto", "json", "text"] = Field(
        "auto", validation_alias="ALIGNBOT_LOG_FORMAT"
    )
    # Who runs this deployment, as the /privacy and /terms pages name them.
    operator_name: str = Field(
        "the operator of this alignbot", validation_alias="ALIGNBOT_OPERATOR_NAME"
    )
    operator_contact: str = Field("", validation_alias="ALIGNBOT_OPERATOR_CONTACT")
    # How long a replica may hold a scheduled run before another may take over (crash recovery).
    job_lease_seconds: int = Field(300, validation_alias="ALIGNBOT_JOB_LEASE_SECONDS", ge=1)
    # How often each replica re-reads stored schedules (digests) and catches up missed runs.
    schedule_sync_seconds: int = Field(60, validation_alias="ALIGNBOT_SCHEDULE_SYNC_SECONDS", ge=1)
    # How long a replica may hold an inbound delivery before another may take it over.
    inbox_lease_seconds: float = Field(60, validation_alias="ALIGNBOT_INBOX_LEASE_SECONDS", gt=0)
    # On SIGTERM/SIGINT, how long work in flight may finish; the rest waits for a restart.
    shutdown_grace_seconds: float = Field(
        20, validation_alias="ALIGNBOT_SHUTDOWN_GRACE_SECONDS", ge=0
    )
    # The server key (see bot/server_key.py): keys anonymous ballots, signs data sent to clients.
    secret_key: str | None = Field(
        None, validation_alias=AliasChoices("ALIGNBOT_SECRET_KEY", "ALIGNBOT_VOTE_SECRET")
    )
    secret_file: str | None = Field(None, validation_alias="ALIGNBOT_SECRET_FILE")
    # Comma-separated user ids treated as workspace admins (Teams tells bots of no admin flag).
    admins: str = Field("", validation_alias="ALIGNBOT_ADMINS")

    slack_bot_token: str | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", validation_alias="SLACK_API_URL")
    # OAuth distribution (many workspaces): the app's credentials instead of one bot token.
    slack_client_id: str | None = Field(None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: str | None = Field(None, validation_alias="SLACK_CLIENT_SECRET")
    # Comma-separated bot scopes asked at install; unset: the manifest's own list.
    slack_scopes: str | None = Field(None, validation_alias="SLACK_SCOPES")
    slack_redirect_uri: str | None = Field(None, validation_alias="SLACK_REDIRECT_URI")
    slack_authorize_url: str = Field(
        "https://slack.com/oauth/v2/authorize", validation_alias="SLACK_AUTHORIZE_URL"
    )
    # Fernet key(s) for tokens at rest; comma-separated, the first encrypts (key rotation).
    encryption_key: str | None = Field(None, validation_alias="ALIGNBOT_ENCRYPTION_KEY")
    # After `app_uninstalled` / `tokens_revoked`, how long a workspace's data is kept.
    uninstall_grace_days: float = Field(7, validation_alias="ALIGNBOT_UNINSTALL_GRACE_DAYS", ge=0)

    microsoft_app_id: str | None = Field(None, validation_alias="MICROSOFT_APP_ID")
    microsoft_app_password: str | None = Field(None, validation_alias="MICROSOFT_APP_PASSWORD")
    microsoft_app_tenant_id: str | None = Field(None, validation_alias="MICROSOFT_APP_TENANT_ID")
    microsoft_app_type: str = Field("MultiTenant", validation_alias="MICROSOFT_APP_TYPE")
    teams_insecure_local: bool = Field(False, validation_alias="ALIGNBOT_TEAMS_INSECURE_LOCAL")
    # Where the Bot Connector's token signing keys are published (tests point it at 127.0.0.1).
    teams_openid_metadata_url: str = Field(
        "https://login.botframework.com/v1/.well-known/openidconfiguration",
        validation_alias="ALIGNBOT_TEAMS_OPENID_METADATA_URL",
    )
    teams_key_timeout_seconds: float = Field(
        5.0, validation_alias="ALIGNBOT_TEAMS_KEY_TIMEOUT_SECONDS", gt=0, le=30
    )

    @property
    def admin_ids(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.admins.split(",") if part.strip())

    @property
    def slack_oauth(self) -> bool:
        """Distributed to many workspaces: installations come through `/slack/install`."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def slack_configured(self) -> bool:
        if self.slack_oauth:
            return bool(self.slack_signing_secret)
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    @property
    def teams_configured(self) -> bool:
        return bool(self.microsoft_app_id and self.microsoft_app_password)
