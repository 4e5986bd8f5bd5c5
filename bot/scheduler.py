"""Runs scheduled work with apscheduler, and makes each due run happen once.

Two kinds of jobs. Ticks: a feature's periodic job that asks storage what is due (stand-up
prompts, poll deadlines). Cron jobs: wall-clock schedules kept in storage (weekly digests),
rebuilt from the database at start, on change and at every sync, so replicas follow edits
made on another replica. Either way each due item is wrapped in `bot.claims.run_once`: the claim row
makes it run exactly once across replicas and restarts, and a run whose replica crashed is
taken over when its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.claims import run_once
from bot.context import Context
from bot.feature import CronJob, Feature, Tick

log = logging.getLogger(__name__)

# `from bot.scheduler import run_once` still works for the features not yet moved to bot.claims.
__all__ = ["CRON_PREFIX", "Scheduler", "run_once"]

CRON_PREFIX = "cron:"
STOP_WAIT_SECONDS = 10.0  # how long stopping waits for running jobs before cutting them off


class Scheduler:
    def __init__(
        self, ctx: Context, features: list[Feature], platform_ticks: Sequence[Tick] = ()
    ) -> None:
        self.ctx = ctx
        self.features = features
        from bot.deliveries import resume_tick  # it runs under this module's claims

        self.ticks = [(f"{f.name}.{tick.name}", tick) for f in features for tick in f.ticks]
        self.ticks += [(tick.name, tick) for tick in platform_ticks]
        outbox = resume_tick(ctx)
        self.ticks.append((outbox.name, outbox))
        self._at_start = {job_id for job_id, tick in self.ticks if tick.at_start}
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._running: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        for job_id, tick in self.ticks:
            self._scheduler.add_job(
                self.run_tick,
                IntervalTrigger(seconds=tick.every_seconds, timezone=UTC),
                args=[job_id, tick],
                id=job_id,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=tick.every_seconds,
                **({"next_run_time": datetime.now(UTC)} if job_id in self._at_start else {}),
            )
        if any(feature.cron for feature in self.features):
            self._scheduler.add_job(
                self.sync_cron,
                IntervalTrigger(seconds=self.ctx.settings.schedule_sync_seconds, timezone=UTC),
                id="cron.sync",
                max_instances=1,
                coalesce=True,
                next_run_time=datetime.now(UTC),
            )
            self.ctx.reschedule = self.sync_cron
        self._scheduler.start()

    async def run_tick(self, job_id: str, tick: Tick) -> None:
        """One tick; a failure is logged and the next tick tries again."""
        with self._tracked():
            try:
                await tick.run(self.ctx)
            except Exception:
                log.exception("scheduled job %s failed; it will run again at its next tick", job_id)

    async def sync_cron(self) -> None:
        """Makes the cron jobs match storage, then runs any fire missed within its grace."""
        with self._tracked():
            try:
                wanted = [job for f in self.features if f.cron for job in await f.cron(self.ctx)]
            except Exception:
                log.exception("could not read stored schedules; keeping the current jobs")
                return
            self._reconcile(wanted)
            for job in wanted:
                missed = self.missed_fire_time(job)
                if missed is not None:
                    await self.run_cron(job, missed)

    def _reconcile(self, wanted: list[CronJob]) -> None:
        ids = {CRON_PREFIX + job.job_id for job in wanted}
        for existing in self._scheduler.get_jobs():
            if existing.id.startswith(CRON_PREFIX) and existing.id not in ids:
                existing.remove()
        for job in wanted:
            job_id = CRON_PREFIX + job.job_id
            current = self._scheduler.get_job(job_id)
            if current is not None and str(current.trigger) == str(job.trigger):
                current.modify(args=[job])
                continue
            self._scheduler.add_job(
                self.run_cron_now,
                job.trigger,
                args=[job],
                id=job_id,
                replace_existing=True,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=job.grace_seconds,
            )

    def missed_fire_time(self, job: CronJob) -> datetime | None:
        """The latest fire time within the grace window that is already due, if any."""
        now = self.ctx.clock.now()
        since = now - timedelta(seconds=job.grace_seconds)
        if job.not_before is not None:
            since = max(since, job.not_before + timedelta(seconds=1))
        fire = job.trigger.get_next_fire_time(None, since)
        latest: datetime | None = None
        while fire is not None and fire <= now:
            latest = fire
            fire = job.trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        return latest

    async def run_cron_now(self, job: CronJob) -> None:
        """apscheduler's entry: the run stands for the fire time that just passed."""
        with self._tracked():
            fire = self.missed_fire_time(job) or self.ctx.clock.now()
            await self.run_cron(job, fire)

    async def run_cron(self, job: CronJob, fire_time: datetime) -> None:
        try:
            await job.run(fire_time)
        except Exception:
            log.exception("cron job %s failed for %s; the next sync retries", job.job_id, fire_time)

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        """Remembers the running job, so `stop` can let it finish."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._running.discard(task)

    async def stop(self) -> None:
        """Starts no new job and lets running ones finish before shutting down, so quitting
        right after start (a job mid-transaction) neither cuts the job off nor logs a crash."""
        if self._scheduler.running:
            self._scheduler.pause()
        await asyncio.sleep(0)  # a job submitted just now enters its body and is tracked
        running = self._running - {asyncio.current_task()}
        if running:
            await asyncio.wait(running, timeout=STOP_WAIT_SECONDS)
        self.shutdown()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self.ctx.reschedule = None
