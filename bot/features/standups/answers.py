"""Answering a stand-up: opening the form (command or prompt button) and saving it."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Actor, Command, Submission
from bot.features.standups import forms, views
from bot.features.standups.blocked import latest_blocker, mark_owners_stale
from bot.features.standups.delivery import refresh_summary
from bot.features.standups.questions import Kind
from bot.features.standups.schedule import local_day, next_standup_day, parse_date
from bot.features.standups.service import (
    TeamSchedule,
    answer_of_kind,
    holiday_days,
    is_standup_day,
    load_entries,
    person_zones,
    schedule_of,
)
from bot.features.standups.summary import PersonAnswers
from bot.replies import Form, FormErrors, Outcome, Span, reply, text
from storage.models.standups import StandupTeam
from storage.repositories import standups as repo

log = logging.getLogger(__name__)


async def answer_now(command: Command, ctx: Context, team: StandupTeam | None) -> Outcome:
    """`/standup [team]`: today's form, pre-filled; or a choice when several teams fit."""
    actor = command.actor
    async with ctx.db.transaction() as session:
        if team is not None:
            await require_member(session, team, actor)
            teams = [team]
        else:
            teams = await _my_teams(session, actor, command.conversation.channel_id)
        zone = (await person_zones(session, actor.workspace_id, [actor.user_id]))[actor.user_id]
        day = local_day(ctx.clock.now(), zone.tz)
        if len(teams) > 1:
            return views.choose_team(teams, day)
        schedule = schedule_of(teams[0])
        holidays = await holiday_days(session, schedule.team_id, day, day + timedelta(days=366))
        if not is_standup_day(schedule, day, holidays):
            raise UserError(_no_standup_today(schedule, day, holidays))
        return await _form(session, schedule, actor.user_id, day)


async def _my_teams(session: AsyncSession, actor: Actor, channel_id: str) -> list[StandupTeam]:
    """The actor's stand-ups, narrowed to this channel's when it has some of them."""
    mine = await repo.teams_of_member(session, actor.workspace_id, actor.user_id)
    if not mine:
        raise UserError(
            "You're not in a stand-up yet. Create one with /standup setup, or ask a teammate "
            "to add you to theirs."
        )
    here = [team for team in mine if team.channel_id == channel_id]
    return here or mine


def _no_standup_today(schedule: TeamSchedule, day: date, holidays: set[date]) -> str:
    reason = "a team holiday" if day in holidays else f"not a {schedule.team.name} stand-up day"
    upcoming = next_standup_day(day, schedule.weekdays, holidays)
    then = f" The next one is {views.day_label(upcoming)}." if upcoming else ""
    return f"Today ({views.day_label(day)}) is {reason}, so there is nothing to answer.{then}"


async def require_member(session: AsyncSession, team: StandupTeam, actor: Actor) -> None:
    assert team.id is not None
    member_ids = {m.user_id for m in await repo.members(session, team.id)}
    if actor.user_id not in member_ids:
        raise UserError(
            f"You're not a member of the {team.name} stand-up. A member or an admin can add "
            f"you with /standup {team.slug} setup."
        )


async def _form(session: AsyncSession, schedule: TeamSchedule, user_id: str, day: date) -> Form:
    """The answer form: the day's answers if given, else yesterday's "today" as "yesterday"."""
    existing = await repo.answer_for(session, schedule.team_id, user_id, day)
    initial: dict[int, str] = {}
    if existing is not None:
        given = {entry.question: entry.answer for entry in load_entries(existing)}
        initial = {i: given[q.text] for i, q in enumerate(schedule.questions) if given.get(q.text)}
    else:
        previous = await repo.latest_before(session, schedule.team_id, user_id, day)
        carried = answer_of_kind(previous, Kind.TODAY)
        for i, question in enumerate(schedule.questions):
            if question.kind is Kind.YESTERDAY and carried:
                initial[i] = carried
    intro: list[Span] = [f"{schedule.team.name} · {views.day_label(day)}"]
    if existing is not None:
        intro.append(" · editing your answers")
    return forms.answer_form(schedule.team, schedule.questions, day, initial, intro)


def _parse_action(value: str) -> tuple[int, date]:
    team_text, _, day_text = value.partition(":")
    day = parse_date(day_text)
    if not team_text.isdigit() or day is None:
        raise UserError("That button is from an older version of alignbot; use /standup.")
    return int(team_text), day


LATE_ANSWER_DAYS = 7  # a prompt's own day stays answerable this long


async def require_answerable(
    session: AsyncSession, team: StandupTeam, actor: Actor, day: date, ctx: Context
) -> None:
    """The server decides which day an answer is for: the day a form or button names (client
    data) is only accepted if it is the member's today or yesterday (a form left open over
    midnight), or an earlier day this member was prompted for, at most a week ago."""
    assert team.id is not None
    zone = (await person_zones(session, actor.workspace_id, [actor.user_id]))[actor.user_id]
    today = local_day(ctx.clock.now(), zone.tz)
    if today - timedelta(days=1) <= day <= today:
        return
    if today - timedelta(days=LATE_ANSWER_DAYS) <= day < today:
        prompted = await repo.sent_prompts(session, team.id, [day])
        if any(user == actor.user_id for user, _, _ in prompted):
            return
    raise UserError(
        f"{views.day_label(day)} can no longer be answered; use /standup {team.slug} for today."
    )


async def _team(session: AsyncSession, team_id: int) -> StandupTeam:
    team = await repo.team_by_id(session, team_id)
    if team is None:
        raise UserError("That stand-up no longer exists.")
    return team


async def open_from_button(action: Action, ctx: Context) -> Outcome:
    """The prompt's Answer button: the form for the prompt's day."""
    team_id, day = _parse_action(action.value)
    async with ctx.db.transaction() as session:
        team = await _team(session, team_id)
        await require_member(session, team, action.actor)
        await require_answerable(session, team, action.actor, day, ctx)
        return await _form(session, schedule_of(team), action.actor.user_id, day)


async def skip_from_button(action: Action, ctx: Context) -> Outcome:
    """The prompt's Skip button: away for that day in that team only (no reminder; listed as
    away there), so an answer to another team's stand-up still counts."""
    team_id, day = _parse_action(action.value)
    actor = action.actor
    async with ctx.db.transaction() as session:
        team = await _team(session, team_id)
        await require_member(session, team, actor)
        await require_answerable(session, team, actor, day, ctx)
        await repo.add_skip(
            session, actor.workspace_id, actor.user_id, day, day, ctx.clock.now(), team_id=team_id
        )
    return reply(
        text(
            f"Skipped {views.day_label(day)}: no reminder, and the {team.name} summary lists "
            "you as away. Changed your mind? /standup unskip, or answer with /standup."
        ),
        replace_original=True,
    )


async def submit(submission: Submission, ctx: Context) -> Outcome:
    """Saves the answers in one transaction; a too-long answer keeps the form open."""
    target = forms.read_target(submission.metadata)
    if target is None:
        raise UserError("That form has expired; please open it again with /standup.")
    actor = submission.actor
    async with ctx.db.transaction() as session:
        team = await _team(session, target.team_id)
        await require_member(session, team, actor)
        await require_answerable(session, team, actor, target.day, ctx)
    schedule = schedule_of(team)
    if forms.fingerprint(schedule.questions) != target.fingerprint:
        raise UserError(
            f"The {team.name} questions changed while your form was open; "
            f"please open it again with /standup {team.slug}."
        )
    entries = forms.read_answers(submission.values, schedule.questions)
    if isinstance(entries, dict):
        return FormErrors(entries)
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        before = await latest_blocker(session, schedule.team_id, actor.user_id, target.day)
        await repo.save_answer(
            session,
            team,
            actor.user_id,
            target.day,
            entries,
            on_time=now <= schedule.summary_instant(target.day),
            now=now,
        )
        now_said = PersonAnswers(actor.user_id, "", tuple(entries)).blocker
        await mark_owners_stale(session, ctx, schedule, [before, now_said])
    updated = await _refresh(ctx, schedule, target.day, actor.user_id)
    return views.saved(team, target.day, entries, summary_updated=updated)


async def _refresh(ctx: Context, schedule: TeamSchedule, day: date, user_id: str) -> bool:
    """Updates an already posted summary; a failure there never loses the saved answer."""
    try:
        return await refresh_summary(ctx, schedule, day, user_id)
    except Exception:
        log.exception("could not update the posted %s summary for %s", schedule.team.slug, day)
        return False
