"""First-week stand-up bugs: one participation everywhere, Skip today for one team only,
holiday names kept whole and readable, bounded reminder minutes."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.local.render import render
from bot.app import AlignBot
from tests.conftest import ask, person
from tests.support.recording import FakeClock
from tests.unit.standups.conftest import (
    ADA,
    BO,
    Timeline,
    answer,
    errors,
    press,
    run,
    shown,
    submit_setup,
)

MONDAY_0800 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


async def _two_teams(bot: AlignBot, clock: FakeClock) -> None:
    """Design (#C1: Ada, Bo) and Research (#C2: Bo)."""
    clock.current = MONDAY_0800
    await run(bot, BO, "help")
    assert "created" in shown(await submit_setup(bot, members=["U1", "U2"], reminder="0"))
    research = await submit_setup(bot, name="Research", channel="C2", members=["U2"], reminder="0")
    assert "created" in shown(research)


async def test_skip_today_on_one_teams_prompt_is_away_there_only(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await _two_teams(alignbot, clock)
    await timeline.run_until(datetime(2026, 11, 23, 8, 45, tzinfo=UTC))
    skipped = await press(alignbot, BO, "standup.skip", "1:2026-11-23")  # Design's prompt
    assert "Design" in shown(skipped)
    await answer(alignbot, ADA, ["a", "a", "none"], text="design")
    await answer(alignbot, BO, ["b", "b", "none"], text="research")
    clock.current = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    research = shown(await run(alignbot, BO, "research stats 7d"))
    assert "Team participation: 100% (1 of 1 answers)" in research
    design = shown(await run(alignbot, ADA, "design stats 7d"))
    assert "Team participation: 100% (1 of 1 answers)" in design


async def test_participation_agrees_in_summary_stats_and_digest(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await _two_teams(alignbot, clock)
    await timeline.run_until(datetime(2026, 11, 23, 8, 45, tzinfo=UTC))
    await press(alignbot, BO, "standup.skip", "1:2026-11-23")
    await answer(alignbot, ADA, ["a", "a", "none"], text="design")
    await timeline.run_until(datetime(2026, 11, 23, 15, 30, tzinfo=UTC), step_minutes=15)
    (summary,) = [render(p.reply) for p in timeline.channel_posts() if "Design" in render(p.reply)]
    assert "1 of 1 answered, 1 away" in summary
    stats = shown(await run(alignbot, ADA, "design stats 7d"))
    assert "Team participation: 100% (1 of 1 answers)" in stats
    clock.current = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    digest = shown(await ask(alignbot, "/digest preview", person("U1", "Ada")))
    assert "Design this week" in digest
    assert "100  1/1" in digest


async def test_holiday_names_are_refused_over_the_limit_and_kept_readable(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    await _two_teams(alignbot, clock)
    refused = shown(await run(alignbot, ADA, "design holiday 2026-12-24 " + "x" * 250))
    assert "200 characters" in refused
    assert "No upcoming" in shown(await run(alignbot, ADA, "design holiday list"))
    await run(alignbot, ADA, "design holiday 2026-12-24 Party with <@U2|ben> in <#C9|design>")
    listed = shown(await run(alignbot, ADA, "design holiday list"))
    assert "Party with @ben in #design" in listed
    assert "<@" not in listed


async def test_reminder_minutes_beyond_any_number_are_refused(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    clock.current = MONDAY_0800
    for typed in ("inf", "1e400", "nan"):
        problems = errors(await submit_setup(alignbot, reminder=typed))
        assert "minutes" in problems["reminder"], typed


async def test_a_long_team_name_is_refused_not_cut(alignbot: AlignBot, clock: FakeClock) -> None:
    clock.current = MONDAY_0800
    refused = shown(await run(alignbot, ADA, "setup " + "Design " * 20))
    assert "keep it to 80" in refused
