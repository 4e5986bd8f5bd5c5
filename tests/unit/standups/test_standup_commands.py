"""Answering, editing, set-up, time zones, history, stats and every kind of bad input."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from adapters.local.render import render
from bot.app import AlignBot
from bot.events import Action, Submission
from bot.features.standups import jobs
from bot.replies import Form, FormErrors, Reply
from storage.models.standups import StandupAnswer, StandupTeam
from tests.conftest import channel
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.standups.conftest import (
    ADA,
    BO,
    CHEN,
    answer,
    errors,
    member,
    open_form,
    run,
    shown,
    submit_setup,
)

MONDAY_0800 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def _team(bot: AlignBot, clock: FakeClock, **overrides: object) -> None:
    clock.current = MONDAY_0800
    for who in (BO, CHEN):
        await run(bot, who, "help")
    assert "created" in shown(await submit_setup(bot, members=["U1", "U2"], **overrides))


async def _stored_answers(bot: AlignBot) -> list[StandupAnswer]:
    async with bot.ctx.db.transaction() as session:
        return list((await session.exec(select(StandupAnswer))).all())


async def _summary_at_1500(bot: AlignBot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 16:00 in Berlin
    await jobs.tick(bot.ctx)


# Answering ----------------------------------------------------------------------------------


async def test_the_form_carries_yesterdays_plan_into_todays_yesterday(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    await _team(alignbot, clock)
    await answer(alignbot, ADA, ["Research", "Prototype the filter", "none"])
    clock.current = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    form = await open_form(alignbot, ADA)
    assert [i.initial for i in form.inputs] == ["Prototype the filter", None, None]
    assert [i.label for i in form.inputs] == [
        "What did you do yesterday?",
        "What will you do today?",
        "Any blockers?",
    ]
    assert all(i.max_length == 3000 for i in form.inputs)


async def test_answers_can_be_edited_before_the_summary(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await _team(alignbot, clock)
    saved = await answer(alignbot, ADA, ["Research", "Prototype", "CI is red"])
    assert "You can edit it with /standup until the summary at 16:00" in shown(saved)
    form = await open_form(alignbot, ADA)
    assert [i.initial for i in form.inputs] == ["Research", "Prototype", "CI is red"]
    assert "editing" in "".join(str(s) for s in form.intro)
    await answer(alignbot, ADA, ["Research", "Prototype", "none"], form=form)
    stored = await _stored_answers(alignbot)
    assert len(stored) == 1
    assert stored[0].on_time
    await _summary_at_1500(alignbot, clock)
    summary = render(messenger.posts[-2].reply)
    assert "No blockers today." in summary
    assert messenger.updates == []


async def test_editing_after_a_compact_summary_updates_it_in_place(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await _team(alignbot, clock, style="compact")
    await answer(alignbot, ADA, ["Research", "Prototype", "none"])
    await _summary_at_1500(alignbot, clock)
    [posted] = [p for p in messenger.posts if p.conversation is not None]
    assert "Not answered yet: Bo" in render(posted.reply)

    clock.current = datetime(2026, 11, 23, 15, 20, tzinfo=UTC)
    saved = await answer(alignbot, BO, ["Backlog", "Refine", "Waiting for the API keys"])
    assert "The posted summary was updated." in shown(saved)
    [(ref, updated)] = messenger.updates
    assert ref == posted.ref
    text = render(updated)
    assert "@Bo: Waiting for the API keys" in text
    assert "Not answered" not in text
    assert [
        a.on_time for a in sorted(await _stored_answers(alignbot), key=lambda a: a.user_id)
    ] == [
        True,
        False,
    ]

    await answer(alignbot, ADA, ["Research", "Prototype v2", "none"])
    assert "Prototype v2" in render(messenger.updates[-1][1])
    assert len([p for p in messenger.posts if p.conversation is not None]) == 1


async def test_editing_after_a_threaded_summary_updates_that_persons_reply(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await _team(alignbot, clock)
    await answer(alignbot, ADA, ["Research", "Prototype", "none"])
    await _summary_at_1500(alignbot, clock)
    parent, ada_reply = [p for p in messenger.posts if p.conversation is not None]
    await answer(alignbot, ADA, ["Research", "Prototype", "Design review moved"])
    refs = [ref for ref, _ in messenger.updates]
    assert refs == [parent.ref, ada_reply.ref]
    assert "@Ada: Design review moved" in render(messenger.updates[0][1])
    assert "Any blockers?: Design review moved" in render(messenger.updates[1][1])


async def test_a_stuck_blocker_is_flagged_on_the_third_day(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await _team(alignbot, clock, reminder="0")
    blockers = [
        "Waiting for legal review",
        "still waiting for legal review",
        "Legal review pending",
    ]
    for day, blocker in zip((23, 24, 25), blockers, strict=True):
        clock.current = datetime(2026, 11, day, 8, 0, tzinfo=UTC)
        await answer(alignbot, ADA, ["x", "y", blocker])
        clock.current = datetime(2026, 11, day, 15, 0, tzinfo=UTC)
        await jobs.tick(alignbot.ctx)
    parents = [
        render(p.reply)
        for p in messenger.posts
        if p.conversation is not None and p.conversation.thread_id is None
    ]
    assert len(parents) == 3
    assert "stuck" not in parents[1]
    assert "stuck: 3 stand-ups in a row" in parents[2]


async def test_someone_in_two_stand_ups_picks_one(alignbot: AlignBot, clock: FakeClock) -> None:
    await _team(alignbot, clock)
    await submit_setup(alignbot, name="Research", channel="C2", members=["U1"])
    choice = await run(alignbot, ADA, where="C9")
    assert "several stand-ups" in shown(choice)
    here = await run(alignbot, ADA, where="C2")  # the channel decides
    assert isinstance(here, Form)
    assert "Research" in "".join(str(s) for s in here.intro)
    named = await run(alignbot, ADA, "design")
    assert isinstance(named, Form)
    assert "Design" in "".join(str(s) for s in named.intro)


# Set-up -------------------------------------------------------------------------------------


async def test_setup_opens_a_form_with_sensible_defaults(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    form = await run(alignbot, ADA, "setup Platform Team")
    assert isinstance(form, Form)
    initial = {i.name: i.initial for i in form.inputs}
    assert initial["name"] == "Platform Team"
    assert initial["channel"] == "C1"
    assert initial["members"] == ("U1",)
    assert initial["questions"] == (
        "What did you do yesterday?\nWhat will you do today?\nAny blockers?"
    )
    assert initial["days"] == ("1", "2", "3", "4", "5")
    assert initial["timezone"] == "Europe/Berlin"


async def test_setup_of_an_existing_team_edits_it(alignbot: AlignBot, clock: FakeClock) -> None:
    await _team(alignbot, clock)
    form = await run(alignbot, BO, "design setup")
    assert isinstance(form, Form)
    assert {i.name: i.initial for i in form.inputs}["members"] == ("U1", "U2")
    saved = await submit_setup(
        alignbot,
        who=BO,
        metadata=form.metadata,
        members=["<@U2|Bo>", "U3"],
        questions="What did you finish?\nWhat's next?\nAnything in your way?\nMood (optional)",
        days=["2", "4"],
        style="compact",
    )
    text = shown(saved)
    assert "updated" in text
    assert "Tue, Thu" in text
    assert "Mood? (optional)" in text
    clock.current = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # a Tuesday, now a stand-up day
    asked = await open_form(alignbot, BO)  # the questions as stored, read back
    assert [(i.label, i.required) for i in asked.inputs][2:] == [
        ("Anything in your way?", True),
        ("Mood?", False),
    ]
    async with alignbot.ctx.db.transaction() as session:
        teams = list((await session.exec(select(StandupTeam))).all())
    assert len(teams) == 1
    assert teams[0].style == "compact"
    outsider = await run(alignbot, member("U7", "Zed", "UTC"), "design setup")
    assert "Only Design's members and admins" in shown(outsider)


async def test_members_without_a_known_zone_fall_back_to_utc_with_a_hint(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    clock.current = MONDAY_0800
    saved = shown(await submit_setup(alignbot, members=["U1", "U42"]))
    assert "U42: UTC (unknown, using UTC)" in saved
    assert "/standup tz Europe/Paris" in saved


async def test_bad_setup_values_are_refused_and_nothing_is_stored(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    refused = errors(
        await submit_setup(
            alignbot,
            name="",
            members=[],
            questions="",
            days=[],
            prompt_time="25:00",
            summary_time="noon",
            reminder="-5",
            timezone="Europe/Pari",
            style="fancy",
        )
    )
    assert set(refused) == {
        "name",
        "members",
        "questions",
        "days",
        "prompt_time",
        "summary_time",
        "reminder",
        "timezone",
        "style",
    }
    assert "Europe/Paris" in refused["timezone"]
    assert "HH:MM" in refused["prompt_time"]
    async with alignbot.ctx.db.transaction() as session:
        assert list((await session.exec(select(StandupTeam))).all()) == []


async def test_two_teams_cannot_share_a_name(alignbot: AlignBot, clock: FakeClock) -> None:
    await _team(alignbot, clock)
    clash = errors(await submit_setup(alignbot, name="design", channel="C2"))
    assert "already a stand-up called Design" in clash["name"]
    reserved = errors(await submit_setup(alignbot, name="Stats", channel="C2"))
    assert "command word" in reserved["name"]


async def test_list_and_remove(alignbot: AlignBot, clock: FakeClock) -> None:
    await _team(alignbot, clock)
    assert "/standup design" in shown(await run(alignbot, BO, "list"))
    assert "Only an admin or whoever created" in shown(await run(alignbot, BO, "remove design"))
    assert "removed" in shown(await run(alignbot, ADA, "remove design"))
    assert "No stand-ups yet" in shown(await run(alignbot, ADA, "list"))


# Time zones ---------------------------------------------------------------------------------


async def test_tz_sets_validates_and_resets(alignbot: AlignBot, clock: FakeClock) -> None:
    clock.current = MONDAY_0800
    assert "Europe/Berlin (from your profile)" in shown(await run(alignbot, ADA, "tz"))
    assert "Europe/Paris (you chose it)" in shown(await run(alignbot, ADA, "tz europe/paris"))
    refused = shown(await run(alignbot, ADA, "tz Amerca/New_Yrok"))
    assert "I don't know the time zone “Amerca/New_Yrok”" in refused
    assert "America/New_York" in refused
    assert "Europe/Paris" in shown(await run(alignbot, ADA, "tz"))
    assert "Europe/Berlin (from your profile)" in shown(await run(alignbot, ADA, "tz auto"))
    nobody = member("U6", "Noa", None)
    assert "I don't know yours, so I use UTC" in shown(await run(alignbot, nobody, "tz"))


# Bad answers ----------------------------------------------------------------------------------


async def test_an_answer_over_3000_characters_is_refused_and_nothing_is_stored(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    await _team(alignbot, clock)
    refused = await answer(alignbot, ADA, ["x" * 3001, "", "none"])
    assert isinstance(refused, FormErrors)
    assert "3,001 characters; the limit is 3,000" in refused.errors["q0"]
    assert "Please answer this one" in refused.errors["q1"]
    assert await _stored_answers(alignbot) == []
    ok = await answer(alignbot, ADA, ["x" * 3000, "y", "none"])
    assert isinstance(ok, Reply)


async def test_unknown_teams_strangers_and_stale_forms_get_clear_answers(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    await _team(alignbot, clock)
    unknown = shown(await run(alignbot, ADA, "desing"))  # the router's one wording (issue 17)
    assert "no stand-up team is called that. Did you mean `/standup design`?" in unknown
    stranger = member("U7", "Zed", "UTC")
    assert "You're not in a stand-up yet" in shown(await run(alignbot, stranger))
    assert "not a member of the Design stand-up" in shown(await run(alignbot, stranger, "design"))
    form = await open_form(alignbot, ADA)
    changed = await submit_setup(alignbot, metadata="1", questions="What shipped?\nAny blockers?")
    assert "updated" in shown(changed)
    stale = await answer(alignbot, ADA, ["a", "b", "c"], form=form)
    assert "questions changed while your form was open" in shown(stale)
    broken = await alignbot.handle(
        Submission("standup.answer", {}, ADA, channel("C1"), metadata="nonsense")
    )
    assert "expired" in shown(broken)
    assert "older version" in shown(
        await alignbot.handle(Action("standup.open", "x:y", ADA, channel()))
    )
    assert await _stored_answers(alignbot) == []


async def test_bad_skip_and_holiday_input(alignbot: AlignBot, clock: FakeClock) -> None:
    await _team(alignbot, clock)
    assert "already past" in shown(await run(alignbot, ADA, "skip 2026-11-01"))
    assert "Skip when?" in shown(await run(alignbot, ADA, "skip someday"))
    assert "as a date" in shown(await run(alignbot, ADA, "skip until friday"))
    assert "as a date" in shown(await run(alignbot, ADA, "holiday xmas"))
    assert "already past" in shown(await run(alignbot, ADA, "holiday 2026-01-01"))
    assert "not a Design holiday" in shown(await run(alignbot, ADA, "holiday remove 2026-12-25"))


# History and stats ----------------------------------------------------------------------------


async def _two_weeks(bot: AlignBot, clock: FakeClock) -> None:
    """Ada answers every day on time; Bo answers Mondays, late; Bo is away on Wed 25."""
    await _team(bot, clock, reminder="0")
    await run(bot, BO, "skip 2026-11-25")
    for day in range(23, 28):
        clock.current = datetime(2026, 11, day, 8, 0, tzinfo=UTC)
        await answer(bot, ADA, [f"did {day}", f"do {day}", "none"])
        if day == 23:
            clock.current = datetime(2026, 11, day, 16, 0, tzinfo=UTC)
            await answer(bot, BO, ["b", "b", "none"])


async def test_history_shows_answers_by_day_and_person(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    await _two_weeks(alignbot, clock)
    clock.current = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    text = shown(await run(alignbot, ADA, "history"))
    assert text.index("Fri 27 Nov") < text.index("Mon 23 Nov")
    assert "Bo (late)" in text
    only_ada = shown(await run(alignbot, ADA, "history <@U1|Ada> 2026-11-24..2026-11-25"))
    assert "did 24" in only_ada
    assert "did 25" in only_ada
    assert "did 23" not in only_ada
    assert "Bo" not in only_ada
    assert "not a period" in shown(await run(alignbot, ADA, "history lately"))
    assert "No answers" in shown(await run(alignbot, ADA, "history 2026-10-01..2026-10-02"))


async def test_stats_show_participation_and_punctuality(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    await _two_weeks(alignbot, clock)
    clock.current = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    text = shown(await run(alignbot, BO, "stats 7d"))
    # Ada: 5 of 5 on time. Bo: away Wednesday, so 1 of 4, late.
    assert "Team participation: 67% (6 of 9 answers)" in text
    assert "On time: 5 of 6, 1 late" in text
    ada = next(line for line in text.splitlines() if line.startswith("Ada"))
    bo = next(line for line in text.splitlines() if line.startswith("Bo"))
    assert ada.endswith(" 100  (5/5 days, 5 on time)")
    assert bo.endswith(" 25  (1/4 days, 0 on time)")
    assert ada.count("█") == 20
    assert bo.count("█") == 5


async def test_stats_for_a_period_without_stand_ups(alignbot: AlignBot, clock: FakeClock) -> None:
    await _team(alignbot, clock)
    text = shown(await run(alignbot, ADA, "design stats 2026-11-21..2026-11-22"))
    assert "No stand-up days" in text


async def test_help_lists_the_grammar(alignbot: AlignBot, clock: FakeClock) -> None:
    text = shown(await run(alignbot, ADA, "help"))
    for verb in ("setup", "tz", "skip", "holiday", "history", "stats"):
        assert f"/standup {verb}" in text


async def test_setup_warns_when_someone_is_prompted_after_the_summary(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    clock.current = MONDAY_0800
    await run(alignbot, member("U4", "Dee", "America/Los_Angeles"), "help")
    saved = shown(await submit_setup(alignbot, members=["U1", "U4"], summary_time="11:00"))
    assert "Dee: America/Los_Angeles (prompted after the summary" in saved
    assert "Ada: Europe/Berlin\n" in saved
