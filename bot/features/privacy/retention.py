"""`ALIGNBOT_RETENTION_DAYS`: a daily job deletes stand-up answers and insight answers older
than that, and unnames decision records settled and blocker escalations resolved before then,
once per day across all replicas (the claim row of `run_once`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.claims import run_once
from bot.context import Context
from bot.feature import Tick
from bot.features import insights, standups
from bot.features.privacy import decisions
from bot.features.privacy.settings import PrivacySettings

log = logging.getLogger(__name__)


async def apply(ctx: Context) -> None:
    days = ctx.feature_settings.of(PrivacySettings).retention_days
    if days is None:
        return
    now = ctx.clock.now()
    cutoff = now - timedelta(days=days)

    async def work() -> None:
        async with ctx.db.transaction() as session:
            answers = await standups.erase_answers_before(session, cutoff.date())
            acks = await insights.erase_answers_before(session, cutoff)
            unnamed = await decisions.unname_before(session, cutoff)
        log.info(
            "retention (%d days): deleted %d stand-up answers and %d insight answers, "
            "unnamed %d decision records and blocker escalations",
            days,
            answers,
            acks,
            unnamed,
        )

    await run_once(ctx, f"privacy.retention:{now.date().isoformat()}", work)


TICK = Tick("retention", 3600, apply)  # hourly look; the work itself runs once a day
