"""Reminders follow each member's own time zone, not the team's."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import AlignBot
from tests.support.recording import FakeClock
from tests.unit.standups.conftest import ADA, CHEN, Timeline, run, shown, submit_setup


async def test_a_kolkata_member_is_reminded_one_delay_after_their_own_prompt(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    clock.current = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday, before anyone's 09:30
    await run(alignbot, CHEN, "help")  # Chen's profile zone (Asia/Kolkata) becomes known
    created = await submit_setup(alignbot, ADA, members=["U1", "U3"], reminder="45")
    assert "created" in shown(created)
    await timeline.run_until(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    chen = [at for at, _ in timeline.dms(CHEN.user_id)]
    ada = [at for at, _ in timeline.dms(ADA.user_id)]
    # 09:30 in Kolkata is 04:00 UTC; 09:30 in Berlin is 08:30 UTC; 45 minutes after each.
    assert chen == [
        datetime(2026, 11, 23, 4, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 4, 45, tzinfo=UTC),
    ]
    assert ada == [
        datetime(2026, 11, 23, 8, 30, tzinfo=UTC),
        datetime(2026, 11, 23, 9, 15, tzinfo=UTC),
    ]
    assert [text.startswith("Reminder") for _, text in timeline.dms(CHEN.user_id)] == [
        False,
        True,
    ]
