"""Scheduled prompts, reminders, skips, holidays, missed ticks and exactly-once sending."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from adapters.local.render import render
from bot.app import AlignBot
from bot.context import Context
from bot.events import Command, Conversation, MessageRef
from bot.features.standups import jobs
from bot.ports import MessengerHub
from bot.replies import Reply
from bot.settings import Settings
from storage.db import Database
from tests.conftest import channel
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.standups.conftest import (
    ADA,
    BO,
    Timeline,
    answer,
    member,
    press,
    run,
    shown,
    submit_setup,
)

MONDAY_0800 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
BERLIN_0930 = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


async def _team(bot: AlignBot, clock: FakeClock, **overrides: object) -> None:
    clock.current = MONDAY_0800
    await run(bot, BO, "help")  # Bo's profile zone becomes known (Ada's through set-up)
    assert "created" in shown(await submit_setup(bot, members=["U1", "U2"], **overrides))


def _kinds(timeline: Timeline, user_id: str) -> list[str]:
    return [
        "reminder" if text.startswith("Reminder") else "prompt" for _, text in timeline.dms(user_id)
    ]


async def test_one_reminder_only_and_none_for_who_answered(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await _team(alignbot, clock, reminder="45")
    await timeline.run_until(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await answer(alignbot, BO, ["a", "b", "none"])
    await timeline.run_until(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    assert _kinds(timeline, ADA.user_id) == ["prompt", "reminder"]
    assert [at for at, _ in timeline.dms(ADA.user_id)][1] == datetime(
        2026, 11, 23, 9, 15, tzinfo=UTC
    )
    assert _kinds(timeline, BO.user_id) == ["prompt"]


async def test_reminders_can_be_switched_off(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await _team(alignbot, clock, reminder="0")
    await timeline.run_until(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), step_minutes=15)
    assert _kinds(timeline, ADA.user_id) == ["prompt"]


async def test_no_prompts_while_away_and_the_summary_lists_who_is_away(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await _team(alignbot, clock)
    assert "You're away Tue 24 Nov" in shown(await run(alignbot, ADA, "skip tomorrow"))
    assert "to Wed 02 Dec" in shown(await run(alignbot, BO, "skip until 2026-12-02"))
    assert "unskip" in shown(await run(alignbot, BO, "skip"))
    clock.current = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    await timeline.run_until(datetime(2026, 11, 24, 16, 0, tzinfo=UTC), step_minutes=15)
    assert timeline.dms(ADA.user_id) == []
    assert timeline.dms(BO.user_id) == []
    summary = render(timeline.channel_posts()[0].reply)
    assert "(Away: Ada, Bo)" in summary
    assert "Not answered" not in summary

    assert "resume" in shown(await run(alignbot, BO, "unskip"))
    clock.current = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    await timeline.run_until(datetime(2026, 11, 25, 9, 0, tzinfo=UTC), step_minutes=15)
    assert _kinds(timeline, BO.user_id) == ["prompt"]
    assert _kinds(timeline, ADA.user_id) == ["prompt"]


async def test_skip_button_in_the_prompt_stops_the_reminder(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await _team(alignbot, clock)
    await timeline.run_until(datetime(2026, 11, 23, 8, 45, tzinfo=UTC))
    skipped = await press(alignbot, ADA, "standup.skip", "1:2026-11-23")
    assert "Skipped Mon 23 Nov" in shown(skipped)
    await timeline.run_until(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), step_minutes=15)
    assert _kinds(timeline, ADA.user_id) == ["prompt"]
    assert _kinds(timeline, BO.user_id) == ["prompt", "reminder"]


async def test_holidays_have_no_prompts_and_no_summary(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await _team(alignbot, clock)
    added = await run(alignbot, BO, "holiday 2026-11-24 Team offsite")
    assert "Tue 24 Nov is a Design holiday" in shown(added)
    assert "Team offsite" in shown(await run(alignbot, ADA, "holiday list"))
    clock.current = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    await timeline.run_until(datetime(2026, 11, 24, 18, 0, tzinfo=UTC), step_minutes=15)
    assert timeline.sent_at == []
    assert "nothing to answer" in shown(await run(alignbot, ADA))
    assert "normal stand-up day" in shown(await run(alignbot, ADA, "holiday remove 2026-11-24"))
    assert "No upcoming" in shown(await run(alignbot, ADA, "holidays"))


async def test_only_members_and_admins_change_holidays(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    from tests.unit.standups.conftest import member

    await _team(alignbot, clock)
    stranger = member("U9", "Sam", "UTC")
    refused = await run(alignbot, stranger, "design holiday 2026-12-25")
    assert "Only Design's members and admins" in shown(refused)
    admin = member("U8", "Root", "UTC", admin=True)
    assert "holiday" in shown(await run(alignbot, admin, "design holiday 2026-12-25"))


async def test_weekends_have_no_prompts(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await _team(alignbot, clock)
    clock.current = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)  # Saturday
    await timeline.run_until(datetime(2026, 11, 30, 0, 0, tzinfo=UTC), step_minutes=60)
    assert timeline.sent_at == []


async def test_missed_ticks_still_send_once_within_the_catch_up_window(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger, timeline: Timeline
) -> None:
    await _team(alignbot, clock)
    clock.current = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 90 min after the prompt time
    assert len(await timeline.tick()) == 2
    assert len(await timeline.tick()) == 0
    clock.advance(minutes=59)
    assert len(await timeline.tick()) == 0
    clock.advance(minutes=1)  # the reminder keeps its distance from the late prompt
    assert _kinds(timeline, ADA.user_id) == ["prompt"]
    assert len(await timeline.tick()) == 2
    assert _kinds(timeline, ADA.user_id) == ["prompt", "reminder"]


async def test_prompts_older_than_the_catch_up_window_are_not_sent_hours_late(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await _team(alignbot, clock, reminder="0")
    clock.current = BERLIN_0930 + jobs.CATCH_UP + jobs.CATCH_UP
    await timeline.tick()
    assert timeline.dms(ADA.user_id) == []


async def test_a_late_summary_goes_out_once_after_missed_ticks(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await _team(alignbot, clock, reminder="0")
    clock.current = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)  # summary was due at 15:00
    await timeline.tick()
    await timeline.tick()
    assert len(timeline.channel_posts()) == 1


async def test_two_concurrent_ticks_send_each_prompt_once(database: Database) -> None:
    clock = FakeClock(MONDAY_0800)
    messenger = RecordingMessenger()
    hub = MessengerHub()
    hub.connect("local", messenger)
    settings = Settings(_env_file=None, ALIGNBOT_ADMINS="")  # type: ignore[call-arg]
    bot = AlignBot(Context(db=database, messenger=hub, clock=clock, settings=settings))
    await run(bot, BO, "help")
    await submit_setup(bot, members=["U1", "U2"])
    clock.current = BERLIN_0930
    await asyncio.gather(jobs.tick(bot.ctx), jobs.tick(bot.ctx), jobs.tick(bot.ctx))
    await jobs.tick(bot.ctx)
    assert sorted(p.user_id or "" for p in messenger.posts) == ["U1", "U2"]


class _FlakyMessenger(RecordingMessenger):
    """Fails the first DM to each of `flaky` (as Slack does when rate limits outlast retries)."""

    def __init__(self, flaky: set[str]) -> None:
        super().__init__()
        self.flaky = set(flaky)

    async def send_direct(self, workspace_id: str, user_id: str, reply: Reply) -> MessageRef:
        if user_id in self.flaky:
            self.flaky.discard(user_id)
            raise ConnectionError("slack is down")
        return await super().send_direct(workspace_id, user_id, reply)


async def test_a_failed_prompt_is_retried_on_the_next_tick_and_sent_once(
    alignbot: AlignBot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await _team(alignbot, clock, reminder="0")
    flaky = _FlakyMessenger({"U1"})
    alignbot.ctx.messenger.connect("local", flaky)
    clock.current = BERLIN_0930
    await jobs.tick(alignbot.ctx)
    assert [p.user_id for p in flaky.posts] == ["U2"]
    assert "the next tick retries it" in caplog.text
    for _ in range(3):
        clock.advance(minutes=1)
        await jobs.tick(alignbot.ctx)
    assert sorted(p.user_id or "" for p in flaky.posts) == ["U1", "U2"]


async def test_prompts_follow_each_zone_across_the_march_switches(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    """Berlin and New York switch on different Sundays; each keeps 09:30 on its own clock."""
    clock.current = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    new_yorker = member("U4", "Dee", "America/New_York")
    await run(alignbot, new_yorker, "help")
    await submit_setup(alignbot, members=["U1", "U4"], reminder="0", summary_time="23:00")
    expected = {
        date(2026, 3, 6): {"U1": (8, 30), "U4": (14, 30)},  # both on standard time
        date(2026, 3, 9): {"U1": (8, 30), "U4": (13, 30)},  # New York switched on the 8th
        date(2026, 3, 30): {"U1": (7, 30), "U4": (13, 30)},  # Berlin switched on the 29th
    }
    for day, times in expected.items():
        for user_id, (hour, minute) in times.items():
            due = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
            clock.current = due - timedelta(minutes=1)
            assert await timeline.tick() == [], f"{user_id} prompted early on {day}"
            clock.current = due
            sent = await timeline.tick()
            assert [p.user_id for p in sent] == [user_id], f"{user_id} on {day}"


async def test_a_blocker_naming_a_decision_shows_who_is_accountable(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    admin = member("U0", "Admin", None, admin=True)
    await alignbot.handle(Command("role", "assign <@U9|Grace> Stakeholder", admin, channel()))
    await _team(alignbot, clock, reminder="0")
    await answer(alignbot, ADA, ["a", "b", "Still no pricing decision, can't finish the plan page"])
    await answer(alignbot, BO, ["a", "b", "CI is red"])
    clock.current = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    await jobs.tick(alignbot.ctx)
    summary = render(messenger.posts[0].reply)
    assert "(↳ Pricing & packaging: Accountable Stakeholder (Grace))" in summary
    assert summary.count("↳") == 1


class _ThreadDown(RecordingMessenger):
    """Posts to channels, but replies in a thread fail while `down` (Slack failing mid-summary)."""

    down = True

    async def post(self, conversation: Conversation, reply: Reply) -> MessageRef:
        if conversation.thread_id is not None and self.down:
            raise ConnectionError("slack is down")
        return await super().post(conversation, reply)


async def test_a_summary_whose_thread_replies_failed_gets_them_once_at_the_next_ticks(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    await _team(alignbot, clock, reminder="0")
    await answer(alignbot, ADA, ["a", "b", "none"])
    await answer(alignbot, BO, ["c", "d", "none"])
    flaky = _ThreadDown()
    alignbot.ctx.messenger.connect("local", flaky)
    clock.current = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    await jobs.tick(alignbot.ctx)
    [parent] = flaky.posts
    flaky.down = False
    for _ in range(3):
        clock.advance(minutes=1)
        await jobs.tick(alignbot.ctx)
    replies = [p for p in flaky.posts if p.conversation and p.conversation.thread_id]
    assert [p.conversation.thread_id for p in replies if p.conversation] == [
        parent.ref.message_id
    ] * 2
    assert len(flaky.posts) == 3
    # A late edit reaches the reply through its recorded message id, posting nothing new.
    await answer(alignbot, ADA, ["a", "b", "CI is red"])
    assert len(flaky.posts) == 3
    edited = {ref.message_id for ref, _ in flaky.updates}
    assert parent.ref.message_id in edited
    assert any("CI is red" in render(reply) for _, reply in flaky.updates)
    assert edited <= {p.ref.message_id for p in flaky.posts}
