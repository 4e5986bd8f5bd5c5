"""Done-when: a team of five in three time zones is prompted at their own 09:30, answers, and
the summary appears at the set time with blockers first. Fake clock, no sleeping."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.local.render import render
from bot.app import AlignBot
from bot.replies import Form
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.standups.conftest import (
    ADA,
    BO,
    CHEN,
    DEE,
    ELI,
    FIVE,
    Timeline,
    answer,
    press,
    run,
    shown,
    submit_setup,
)

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)


async def _team_of_five(bot: AlignBot, clock: FakeClock) -> None:
    clock.current = MONDAY
    for person in FIVE:  # each has used the bot once, so their profile zone is known
        await run(bot, person, "help")
    await run(bot, ELI, "tz America/Chicago")  # no profile zone: Eli sets one
    saved = await submit_setup(
        bot, members=[p.user_id for p in FIVE], summary_time="16:00", timezone="Europe/Berlin"
    )
    assert "created" in shown(saved)


async def test_five_people_in_three_zones_get_their_own_0930_and_a_summary_at_1600(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger, timeline: Timeline
) -> None:
    await _team_of_five(alignbot, clock)

    await timeline.run_until(datetime(2026, 11, 23, 4, 30, tzinfo=UTC), step_minutes=15)
    # Chen in Kolkata (UTC+05:30) is first: 09:30 there is 04:00 UTC.
    assert [at for at, _ in timeline.dms(CHEN.user_id)] == [MONDAY.replace(hour=4)]
    assert timeline.dms(ADA.user_id) == []
    await answer(alignbot, CHEN, ["Interviews", "Synthesis", "none"])

    await timeline.run_until(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), step_minutes=15)
    for berliner in (ADA, BO):  # 09:30 in Berlin (UTC+1 in November) is 08:30 UTC
        assert [at for at, _ in timeline.dms(berliner.user_id)] == [
            MONDAY.replace(hour=8, minute=30)
        ]
    await answer(alignbot, ADA, ["Wireframes", "Usability test", "Waiting for legal on consent"])
    await answer(alignbot, BO, ["Backlog", "Refinement", "CI is red on main"])

    await timeline.run_until(datetime(2026, 11, 23, 16, 0, tzinfo=UTC), step_minutes=15)
    assert next(at for at, _ in timeline.dms(DEE.user_id)) == MONDAY.replace(hour=14, minute=30)
    assert next(at for at, _ in timeline.dms(ELI.user_id)) == MONDAY.replace(hour=15, minute=30)

    summaries = timeline.channel_posts()
    parent = summaries[0]
    assert parent.conversation is not None
    assert parent.conversation.channel_id == "C1"
    assert parent.conversation.thread_id is None
    assert [at for at, p in timeline.sent_at if p is parent] == [MONDAY.replace(hour=15)]
    text = render(parent.reply)
    assert text.index("Blockers (2)") < text.index("Not answered yet")
    assert "@Ada: Waiting for legal on consent" in text
    assert "@Bo: CI is red on main" in text
    assert "Not answered yet: Dee, Eli" in text
    assert "3 of 5 answered" in text
    thread = summaries[1:]
    assert {p.conversation.thread_id for p in thread if p.conversation} == {parent.ref.message_id}
    assert sorted(render(p.reply).splitlines()[0] for p in thread) == ["Ada", "Bo", "Chen"]


async def test_the_prompt_button_opens_the_form_and_answers_update_the_summary_later(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger, timeline: Timeline
) -> None:
    await _team_of_five(alignbot, clock)
    await timeline.run_until(datetime(2026, 11, 23, 15, 0, tzinfo=UTC), step_minutes=15)
    parent = timeline.channel_posts()[0]

    await timeline.run_until(datetime(2026, 11, 23, 15, 40, tzinfo=UTC), step_minutes=15)
    _, eli_prompt = timeline.dms(ELI.user_id)[0]
    assert "Time for your Design stand-up (Mon 23 Nov)" in eli_prompt
    form = await press(alignbot, ELI, "standup.open", "1:2026-11-23")
    assert isinstance(form, Form)
    saved = await answer(alignbot, ELI, ["Ops", "Ops", "Blocked by VPN access"], form=form)
    assert "The posted summary was updated." in shown(saved)
    updated_ref, updated = messenger.updates[0]
    assert updated_ref == parent.ref
    assert "@Eli: Blocked by VPN access" in render(updated)
    assert "1 of 5 answered" in render(updated)
    eli_reply = [p for p in messenger.posts if p.conversation and p.conversation.thread_id]
    assert [render(p.reply).splitlines()[0] for p in eli_reply] == ["Eli"]
