"""A digest schedule set after this week's time starts next week, not at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.local.render import render
from bot.app import AlignBot
from bot.scheduler import Scheduler
from tests.conftest import ask, person
from tests.support.recording import FakeClock, RecordingMessenger

ADMIN = person("U0", "Admin", admin=True)
FRIDAY_4PM_BERLIN = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def _digests(messenger: RecordingMessenger) -> list[str]:
    return [text for p in messenger.posts if "Weekly product review" in (text := render(p.reply))]


async def test_a_schedule_set_after_its_weekly_time_does_not_post_at_once(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    clock.current = FRIDAY_4PM_BERLIN + timedelta(minutes=20)  # 16:20 in Berlin
    await ask(alignbot, "/digest schedule fri 16:00 Europe/Berlin", ADMIN)
    scheduler = Scheduler(alignbot.ctx, alignbot.features)
    await scheduler.sync_cron()  # within the catch-up grace of 16:00, yet set after it
    assert _digests(messenger) == []
    clock.current = FRIDAY_4PM_BERLIN + timedelta(days=7, minutes=1)
    await scheduler.sync_cron()
    assert len(_digests(messenger)) == 1
