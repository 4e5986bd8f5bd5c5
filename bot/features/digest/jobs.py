"""The weekly run: one cron job per stored schedule, each week's digest claimed exactly once."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import deliveries
from bot.context import Context
from bot.events import Conversation, MessageRef
from bot.feature import CronJob
from bot.features.digest.commands import build, when_of
from bot.features.digest.schedule import period_of, trigger
from bot.replies import Reply
from bot.scheduler import run_once
from storage.models.deliveries import Delivery
from storage.models.digests import DigestSchedule
from storage.repositories import deliveries as deliveries_repo
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
    """Queues and posts the digest for the week of `fire_time` unless any replica already
    did; the post goes through the outbox, so a failed or interrupted one is retried."""
    async with ctx.db.transaction() as session:
        schedule = await repo.schedule_by_id(session, schedule_id)
        if schedule is None or not schedule.enabled:
            return False
        period = period_of(fire_time, schedule.timezone)
        if await repo.was_posted(session, schedule_id, period):
            return False

    async def post() -> None:
        async with ctx.db.transaction() as session:
            week = f"{schedule_id}:{period}:"
            if await deliveries_repo.queued(session, DIGEST.name, week):
                return  # an earlier run queued it; the outbox finishes that one
            team = await product_teams.team_for(session, _where(schedule), ctx.clock.now())
            message = await build(session, schedule, team.name, fire_time, public=True)
            channel = deliveries.Recipient(
                schedule.platform, deliveries.CHANNEL, schedule.channel_id
            )
            batch = await deliveries.queue(
                session, ctx, DIGEST, week + fire_time.isoformat(), schedule.workspace_id, [channel]
            )
        done = await deliveries.deliver(ctx, batch, message)
        if done.delivered:
            log.info("posted digest %s for %s in %s", schedule_id, period, schedule.channel_id)

    return await run_once(ctx, f"digest:{schedule_id}:{period}", post)


def _subject(row: Delivery) -> tuple[int, str, datetime]:
    """(schedule id, period, fire time) from a digest delivery's subject."""
    schedule_id, period, fired = row.subject.split(":", 2)
    return int(schedule_id), period, datetime.fromisoformat(fired)


async def _render(ctx: Context, row: Delivery) -> Reply | None:
    """A resumed digest is built as the week reads now; a schedule turned off posts nothing."""
    schedule_id, _, fire_time = _subject(row)
    async with ctx.db.transaction() as session:
        schedule = await repo.schedule_by_id(session, schedule_id)
        if schedule is None or not schedule.enabled:
            return None
        team = await product_teams.team_for(session, _where(schedule), ctx.clock.now())
        return await build(session, schedule, team.name, fire_time, public=True)


async def _record(session: AsyncSession, row: Delivery, ref: MessageRef, now: datetime) -> None:
    schedule_id, period, _ = _subject(row)
    schedule = await repo.schedule_by_id(session, schedule_id)
    if schedule is not None:
        await repo.record_post(session, schedule, period, ref.message_id, now)


DIGEST = deliveries.register(deliveries.Topic("digest", _render, _record))


def _where(schedule: DigestSchedule) -> Conversation:
    return Conversation(schedule.platform, schedule.workspace_id, schedule.channel_id)
