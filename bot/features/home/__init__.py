"""Each person's home page: what waits for them today, built from each feature's own
"what waits for this person" and kept current through the outbox (`bot.homes`)."""

from __future__ import annotations

from bot import homes
from bot.feature import Feature
from bot.features.home.page import page

homes.provide(page)

FEATURE = Feature(
    name="home",
    depends_on=("insights", "roles", "standups", "votes"),
)

__all__ = ["FEATURE", "page"]
