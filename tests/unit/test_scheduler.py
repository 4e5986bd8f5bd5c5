"""Exactly-once runs, lease take-over after a crash, cron catch-up, and real apscheduler wiring."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.app import AlignBot
from bot.claims import run_once
from bot.context import Context
from bot.feature import CronJob, Feature, Tick
from bot.scheduler import Scheduler
from storage.db import Database
from tests.support.recording import FakeClock


async def test_concurrent_claims_run_once(alignbot: AlignBot) -> None:
    runs: list[str] = []

    async def work() -> None:
        runs.append("ran")

    results = await asyncio.gather(
        *(run_once(alignbot.ctx, "digest:1:2026-W48", work, owner=f"r{i}") for i in range(6))
    )
    assert results.count(True) == 1
    assert runs == ["ran"]
    assert not await run_once(alignbot.ctx, "digest:1:2026-W48", work, owner="late")


async def test_a_crashed_run_is_taken_over_after_its_lease(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    async def crash() -> None:
        raise RuntimeError("replica died mid-run")

    async def work() -> None:
        pass

    lease = timedelta(minutes=5)
    with pytest.raises(RuntimeError):
        await run_once(alignbot.ctx, "k", crash, owner="a", lease=lease)
    assert not await run_once(alignbot.ctx, "k", work, owner="b", lease=lease)
    clock.advance(minutes=6)
    assert await run_once(alignbot.ctx, "k", work, owner="b", lease=lease)
    clock.advance(hours=1)
    assert not await run_once(alignbot.ctx, "k", work, owner="c", lease=lease)


async def test_run_once_on_postgres_too(pg_db: Database, alignbot: AlignBot) -> None:
    ctx = Context(pg_db, alignbot.ctx.messenger, alignbot.ctx.clock, alignbot.ctx.settings)
    done: list[int] = []

    async def work() -> None:
        done.append(1)

    results = await asyncio.gather(*(run_once(ctx, "x", work, owner=f"r{i}") for i in range(6)))
    assert results.count(True) == 1
    assert done == [1]


def _weekly(fired: list[datetime]) -> Feature:
    async def cron(ctx: Context) -> list[CronJob]:
        async def run(fire_time: datetime) -> None:
            fired.append(fire_time)

        trigger = CronTrigger(day_of_week="fri", hour=16, minute=0, timezone="Europe/Berlin")
        return [CronJob("digest.1", trigger, run, grace_seconds=3600)]

    return Feature("weekly", cron=cron)


async def test_cron_catches_up_a_fire_missed_within_grace(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    fired: list[datetime] = []
    scheduler = Scheduler(alignbot.ctx, [_weekly(fired)])
    clock.current = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # Friday 16:30 in Berlin
    await scheduler.sync_cron()
    assert fired == [datetime(2026, 11, 27, 15, 0, tzinfo=UTC)]
    clock.current = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # two hours late: past grace
    fired.clear()
    await scheduler.sync_cron()
    assert fired == []


async def test_cron_jobs_follow_storage(alignbot: AlignBot) -> None:
    fired: list[datetime] = []
    scheduler = Scheduler(alignbot.ctx, [_weekly(fired)])
    scheduler.start()
    try:
        await scheduler.sync_cron()
        job = scheduler._scheduler.get_job("cron:digest.1")
        assert job is not None
        assert "day_of_week='fri'" in str(job.trigger)
        assert alignbot.ctx.reschedule is not None
    finally:
        scheduler.shutdown()
    assert alignbot.ctx.reschedule is None


async def test_real_apscheduler_runs_ticks(alignbot: AlignBot) -> None:
    ticked = asyncio.Event()

    async def tick(ctx: Context) -> None:
        ticked.set()

    async def broken(ctx: Context) -> None:
        raise RuntimeError("a failing tick must not stop the others")

    feature = Feature("t", ticks=(Tick("fast", 1, tick), Tick("broken", 1, broken)))
    scheduler = Scheduler(alignbot.ctx, [feature])
    scheduler.start()
    try:
        await asyncio.wait_for(ticked.wait(), timeout=5)
    finally:
        scheduler.shutdown()


async def test_no_catch_up_for_fires_before_the_schedule_existed(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    fired: list[datetime] = []

    async def cron(ctx: Context) -> list[CronJob]:
        async def run(fire_time: datetime) -> None:
            fired.append(fire_time)

        trigger = CronTrigger(day_of_week="fri", hour=16, minute=0, timezone="Europe/Berlin")
        set_at = datetime(2026, 11, 27, 15, 20, tzinfo=UTC)  # 20 minutes after this week's time
        return [CronJob("digest.1", trigger, run, grace_seconds=3600, not_before=set_at)]

    scheduler = Scheduler(alignbot.ctx, [Feature("weekly", cron=cron)])
    clock.current = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
    await scheduler.sync_cron()
    assert fired == []


async def test_a_slow_run_keeps_its_lease_while_it_works(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    lease = timedelta(seconds=0.3)
    working = asyncio.Event()
    finish = asyncio.Event()

    async def slow() -> None:
        working.set()
        await finish.wait()

    async def other() -> None:
        pass

    run = asyncio.create_task(run_once(alignbot.ctx, "slow", slow, owner="a", lease=lease))
    await working.wait()
    for _ in range(3):  # the fake clock passes the lease three times over; renewals keep up
        clock.advance(seconds=0.3)
        await asyncio.sleep(0.25)
        assert not await run_once(alignbot.ctx, "slow", other, owner="b", lease=lease)
    finish.set()
    assert await run
