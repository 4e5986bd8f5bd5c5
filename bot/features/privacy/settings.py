"""The privacy feature's settings: how long stand-up answers and insight answers are kept."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

from bot.feature_settings import feature_config


class PrivacySettings(BaseSettings):
    model_config = feature_config("privacy")

    # Off by default: nothing ages out. Set to N to delete stand-up answers for days more than
    # N days ago and Seen / Will act / Disagree answers not changed for N days, and to unname
    # decision records settled and blocker escalations resolved more than N days ago (daily).
    retention_days: int | None = Field(None, validation_alias="ALIGNBOT_RETENTION_DAYS", ge=1)
