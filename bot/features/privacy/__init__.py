"""Personal data rights: a person's own data, erasure by an admin, and retention."""

from __future__ import annotations

from bot.feature import Feature
from bot.features.privacy import commands, retention
from bot.features.privacy.settings import PrivacySettings

FEATURE = Feature(
    name="privacy",
    commands=commands.SPECS,
    actions={
        commands.FORGET_ACTION: commands.forget_confirmed,
        commands.KEEP_ACTION: commands.keep,
    },
    ticks=(retention.TICK,),
    settings=PrivacySettings,
    depends_on=("decisions", "insights", "roles", "standups", "votes"),
)
