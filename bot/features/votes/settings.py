"""The votes feature's own settings (importer endpoints; ballots are keyed by bot.server_key)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

from bot.feature_settings import feature_config


class VoteSettings(BaseSettings):
    """Read from the environment / `.env`; tokens are optional for public GitHub repositories."""

    model_config = feature_config("votes")

    github_api_url: str = Field(
        "https://api.github.com", validation_alias="ALIGNBOT_GITHUB_API_URL"
    )
    github_token: str | None = Field(None, validation_alias="ALIGNBOT_GITHUB_TOKEN")
    jira_url: str | None = Field(None, validation_alias="ALIGNBOT_JIRA_URL")
    jira_token: str | None = Field(None, validation_alias="ALIGNBOT_JIRA_TOKEN")
    timeout_seconds: float = Field(10.0, validation_alias="ALIGNBOT_IMPORT_TIMEOUT")
