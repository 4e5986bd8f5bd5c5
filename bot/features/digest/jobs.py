"""The weekly run: one cron job per stored schedule, each week's digest claimed exactly once."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.context import Context
from bot.events import Conversation
from bot.feature import CronJob
from bot.features.digest.commands import build, when_of
from bot.features.digest.schedule import period_of, trigger
from bot.scheduler import run_once
from storage.models.digests import DigestSchedule
from storage.repositories import digests as repo
from storage.repositories import product_teams

log = logging.getLogger(__name__)


async def cron_jobs(ctx: Context) -> list[CronJob]:
    async with ctx.db.transaction() as session:
        schedules = await repo.enabled_schedules(session)
    return [_job(ctx, schedule) for schedule in schedules]


def _job(ctx: Context, schedule: DigestSchedule) -> CronJob:
    async def run(fire_time: datetime) -> None:
        await post_digest(ctx, schedule.id or 0, fire_time)

    # A schedule set after this week's time has passed starts next week, not at once.
    return CronJob(
        f"digest.{schedule.id}", trigger(when_of(schedule)), run, not_before=schedule.updated_at
    )


async def post_digest(ctx: Context, schedule_id: int, fire_time: datetime) -> bool:
    """Posts the digest for the week of `fire_time` unless any replica already did."""
    async with ctx.db.transaction() as session:
        schedule = await repo.schedule_by_id(session, schedule_id)
        if schedule is None or not schedule.enabled:
            return False
        period = period_of(fire_time, schedule.timezone)
        if await repo.was_posted(session, schedule_id, period):
            return False

    async def post() -> None:
        async with ctx.db.transaction() as session:
            team = await product_teams.team_for(session, _where(schedule), ctx.clock.now())
            message = await build(session, schedule, team.name, fire_time, public=True)
        ref = await ctx.messenger.post(_where(schedule), message)
        async with ctx.db.transaction() as session:
            await repo.record_post(session, schedule, period, ref.message_id, ctx.clock.now())
        log.info("posted digest %s for %s in %s", schedule_id, period, schedule.channel_id)

    return await run_once(ctx, f"digest:{schedule_id}:{period}", post)


def _where(schedule: DigestSchedule) -> Conversation:
    return Conversation(schedule.platform, schedule.workspace_id, schedule.channel_id)
