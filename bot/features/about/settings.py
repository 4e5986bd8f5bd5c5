"""The about feature's settings: `ALIGNBOT_ABOUT_*` (read once at start by the core)."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings

from bot.feature_settings import feature_config


class AboutSettings(BaseSettings):
    model_config = feature_config("about")

    # Where this deployment is served (its /privacy and /terms pages); the Teams package's
    # ALIGNBOT_WEBSITE_URL is used when the about feature is given none of its own.
    website_url: str = Field(
        "", validation_alias=AliasChoices("ALIGNBOT_ABOUT_WEBSITE_URL", "ALIGNBOT_WEBSITE_URL")
    )
