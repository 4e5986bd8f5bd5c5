"""Stuck blockers naming a RACI decision go to its Accountable person once, who answers."""

from __future__ import annotations

from datetime import timedelta

from adapters.local.render import render
from bot.app import AlignBot
from bot.events import Submission
from bot.features.standups import escalation, jobs
from bot.features.standups.escalation_answers import NOT_MINE_FORM
from bot.features.standups.service import schedule_of
from bot.replies import Form, Reply
from storage.models.escalations import RESOLVED
from storage.repositories import escalations as escalations_repo
from storage.repositories import standups as standups_repo
from tests.conftest import ask, channel
from tests.support.recording import FakeClock
from tests.unit.standups.conftest import (
    ADA,
    BO,
    Timeline,
    press,
    run,
    shown,
    submit_setup,
)
from tests.unit.standups.escalation_story import (
    ADMIN,
    BLOCKED,
    FAY,
    MONDAY,
    buttons_of,
    escalated,
    stand_up_day,
    team_with_accountable,
)


def _updated(timeline: Timeline) -> str:
    """Every in-place update made so far (a threaded summary updates parent and reply)."""
    return "\n".join(render(reply) for _, reply in timeline.messenger.updates)


def _summaries(timeline: Timeline) -> list[str]:
    return [render(p.reply) for p in timeline.channel_posts() if p.conversation.thread_id is None]  # type: ignore[union-attr]


async def test_a_blocker_stuck_three_days_reaches_the_accountable_once(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await team_with_accountable(alignbot, clock)
    for n in range(2):
        await stand_up_day(alignbot, clock, timeline, n, BLOCKED)
    assert timeline.dms(FAY.user_id) == []
    await stand_up_day(alignbot, clock, timeline, 2, BLOCKED)
    dms = timeline.dms(FAY.user_id)
    assert len(dms) == 1, dms
    assert "Bo's blocker" in dms[0][1]
    assert "Pricing & packaging" in dms[0][1]
    assert "since Mon 23 Nov (3 days)" in dms[0][1]
    assert "escalated to Fay on Wed 25 Nov: no answer yet" in _summaries(timeline)[-1]
    await stand_up_day(alignbot, clock, timeline, 3, BLOCKED)  # still stuck: no second DM
    assert len(timeline.dms(FAY.user_id)) == 1


async def test_the_escalation_is_stored_and_queued_once_however_often_the_job_runs(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await team_with_accountable(alignbot, clock)
    for n in range(3):
        await stand_up_day(alignbot, clock, timeline, n, BLOCKED)
    async with alignbot.ctx.db.transaction() as session:
        team = (await standups_repo.workspace_teams(session, "W1"))[0]
    schedule = schedule_of(team)
    await escalation.escalate(alignbot.ctx, schedule, MONDAY.date() + timedelta(days=2))
    await jobs.tick(alignbot.ctx)
    assert len(timeline.messenger.posts and timeline.dms(FAY.user_id)) == 1
    assert len([p for p in timeline.messenger.posts if p.user_id == FAY.user_id]) == 1


async def test_only_the_accountable_or_an_admin_may_answer(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    unblock = await escalated(alignbot, clock, timeline)
    refused = shown(await press(alignbot, BO, escalation.RESOLVED_ACTION, unblock.value))
    assert "Only the Accountable person" in refused
    refused = shown(await press(alignbot, BO, escalation.UNBLOCK_ACTION, unblock.value))
    assert "Only the Accountable person" in refused
    assert "no longer exists" in shown(
        await press(alignbot, FAY, escalation.RESOLVED_ACTION, "999")
    )
    assert "no longer exists" in shown(
        await press(alignbot, FAY, escalation.RESOLVED_ACTION, "'; drop")
    )
    async with alignbot.ctx.db.transaction() as session:
        row = await escalations_repo.get(session, int(unblock.value))
    assert row is not None
    assert row.state == "open"
    assert not row.answered_by
    assert "Resolved" in shown(
        await press(alignbot, ADMIN, escalation.RESOLVED_ACTION, unblock.value)
    )


async def test_answers_are_recorded_shown_in_the_summary_and_timed(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    unblock = await escalated(alignbot, clock, timeline)
    assert unblock.action_id == escalation.UNBLOCK_ACTION
    clock.advance(hours=2)
    answered = await press(alignbot, FAY, escalation.UNBLOCK_ACTION, unblock.value)
    assert isinstance(answered, Reply)
    assert answered.replace_original
    assert [b.label for b in buttons_of(answered)] == ["Resolved"]
    refreshed = _updated(timeline)
    assert "escalated to Fay on Wed 25 Nov: Fay will unblock it" in refreshed
    clock.advance(hours=22)  # Thu 17:00 Berlin: one day after the DM (Wed 16:00)
    done = shown(await press(alignbot, FAY, escalation.RESOLVED_ACTION, unblock.value))
    assert "after 1.0 days" in done
    async with alignbot.ctx.db.transaction() as session:
        row = await escalations_repo.get(session, int(unblock.value))
    assert row is not None
    assert row.state == RESOLVED
    assert row.resolved_by == FAY.user_id
    again = shown(await press(alignbot, FAY, escalation.RESOLVED_ACTION, unblock.value))
    assert "already resolved (by Fay)" in again


async def test_not_mine_records_the_suggested_role_from_the_teams_roles_only(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    unblock = await escalated(alignbot, clock, timeline)
    form = await press(alignbot, FAY, escalation.NOT_MINE_ACTION, unblock.value)
    assert isinstance(form, Form)
    assert form.form_id == NOT_MINE_FORM
    roles = [o.value for o in form.inputs[0].options]
    assert "Product Owner" in roles
    assert "Stakeholder" not in roles

    def submit(role: str, who: object = FAY) -> Submission:
        return Submission(NOT_MINE_FORM, {"role": role}, who, channel("D-U6"), form.metadata)  # type: ignore[arg-type]

    refused = await alignbot.handle(submit("Emperor"))
    assert not isinstance(refused, Reply)
    assert "role" in getattr(refused, "errors", {})
    assert "Only the Accountable" in shown(await alignbot.handle(submit("Product Owner", BO)))
    assert "you suggest Product Owner" in shown(await alignbot.handle(submit("Product Owner")))
    refreshed = _updated(timeline)
    assert "Fay says it is not theirs, suggests Product Owner" in refreshed


async def test_a_blocker_that_stops_naming_the_decision_resolves_it_in_stand_up(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await escalated(alignbot, clock, timeline)
    await stand_up_day(alignbot, clock, timeline, 3, "none")
    async with alignbot.ctx.db.transaction() as session:
        team = (await standups_repo.workspace_teams(session, "W1"))[0]
        assert team.id is not None
        (row,) = await escalations_repo.of_standup(session, team.id)
    assert row.state == RESOLVED
    assert row.resolved_via == "standup"


async def test_the_number_of_days_is_a_team_setting(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await team_with_accountable(alignbot, clock)
    assert "after 3 stand-up days" not in shown(await run(alignbot, ADA, "escalate"))
    assert "stuck for 3 stand-up days" in shown(await run(alignbot, ADA, "escalate"))
    assert "not a number of stand-up days" in shown(await run(alignbot, ADA, "escalate soon"))
    assert "stuck for 2 stand-up days" in shown(await run(alignbot, ADA, "escalate 2"))
    for n in range(2):
        await stand_up_day(alignbot, clock, timeline, n, BLOCKED)
    assert len(timeline.dms(FAY.user_id)) == 1


async def test_escalation_can_be_switched_off_in_the_set_up_form(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    await team_with_accountable(alignbot, clock, escalate="0")
    for n in range(4):
        await stand_up_day(alignbot, clock, timeline, n, BLOCKED)
    assert timeline.dms(FAY.user_id) == []
    assert "does not escalate" in shown(await run(alignbot, ADA, "escalate"))
    bad = await submit_setup(alignbot, metadata="1", members=["U1", "U2"], escalate="99")
    assert "escalate" in getattr(bad, "errors", {})


async def test_the_digest_shows_escalations_per_decision_and_median_days_to_resolve(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    unblock = await escalated(alignbot, clock, timeline)
    preview = shown(await ask(alignbot, "/digest preview", ADA))
    assert "Pricing & packaging: 1 blocker escalated, 1 still open (oldest 0 days)" in preview
    clock.advance(hours=12)
    await press(alignbot, FAY, escalation.RESOLVED_ACTION, unblock.value)
    preview = shown(await ask(alignbot, "/digest preview", ADA))
    assert "Pricing & packaging: 1 blocker escalated, 1 resolved, median 0.5 days" in preview
    clock.advance(days=8)  # a week later the escalation is history
    assert "Pricing & packaging" not in shown(await ask(alignbot, "/digest preview", ADA))
