"""Personal data rights: a person's own data, erasure by an admin, and retention."""

from __future__ import annotations

from bot.feature import CommandSpec, Example, Feature
from bot.features.privacy import commands, retention

FEATURE = Feature(
    name="privacy",
    commands=(
        CommandSpec(
            name="my",
            summary="what alignbot keeps about you, as JSON",
            handler=commands.my,
            examples=(Example("/alignbot my data", "everything stored about you"),),
            umbrella_only=True,
        ),
        CommandSpec(
            name="forget",
            summary="erase what alignbot keeps about a person (admins; asks first)",
            handler=commands.forget,
            examples=(Example("/alignbot forget @ana", "erase Ana's data, keeping tallies"),),
            umbrella_only=True,
        ),
    ),
    actions={
        commands.FORGET_ACTION: commands.forget_confirmed,
        commands.KEEP_ACTION: commands.keep,
    },
    ticks=(retention.TICK,),
)
