"""What this deployment is (`/alignbot about`), and a card introducing alignbot to a channel
(`/alignbot about introduce`: a form, the outbox, and an hourly job that keeps posted cards
current after an upgrade, claimed once across replicas)."""

from __future__ import annotations

from bot.feature import Feature
from bot.features.about import commands, intro
from bot.features.about.settings import AboutSettings

FEATURE = Feature(
    name="about",
    commands=(commands.SPEC,),
    forms={intro.INTRO_FORM: intro.submitted},
    ticks=(intro.REFRESH,),
    settings=AboutSettings,
)
