"""Weekly product-review digests: one per channel per week, exactly once across replicas."""

from bot.feature import CommandSpec, Example, Feature
from bot.features.digest.commands import digest
from bot.features.digest.jobs import cron_jobs

FEATURE = Feature(
    name="digest",
    commands=(
        CommandSpec(
            name="digest",
            summary="the weekly product-review digest for this channel",
            handler=digest,
            examples=(
                Example("/digest", "when this channel's digest goes out"),
                Example("/digest schedule fri 16:00 Europe/Berlin", "set or change the schedule"),
                Example("/digest preview", "this week's digest, only to you"),
                Example("/digest send", "post it now (admins)"),
                Example("/digest off", "stop the weekly digest"),
            ),
        ),
    ),
    cron=cron_jobs,
)
