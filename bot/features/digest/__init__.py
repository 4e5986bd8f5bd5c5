"""Weekly product-review digests: one per channel per week, exactly once across replicas."""

from bot.feature import Feature
from bot.features.digest.commands import SPEC
from bot.features.digest.jobs import cron_jobs

FEATURE = Feature(
    name="digest",
    commands=(SPEC,),
    cron=cron_jobs,
    depends_on=("decisions", "insights", "roles", "standups", "votes"),
)
