"""Decisions someone is Accountable for that stand-up blockers are waiting on (their home page).

Two kinds: a blocker escalated to them and not answered or not yet resolved (with the DM's own
buttons), and a blocker in a member's latest answer that names one of their decisions but has
not been stuck long enough to escalate.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import homes
from bot.context import Context
from bot.events import Actor
from bot.features.roles import decision_lookup
from bot.features.standups.escalation import answer_buttons
from bot.features.standups.schedule import local_day
from bot.features.standups.service import TeamSchedule, load_entries, schedule_of
from bot.features.standups.summary import PersonAnswers
from bot.features.standups.views import day_label
from bot.replies import Block, Bold, buttons, small_print, text
from storage.models.escalations import NOT_MINE, OPEN, RESOLVED
from storage.models.standups import StandupTeam
from storage.repositories import escalations as escalations_repo
from storage.repositories import people
from storage.repositories import standups as repo

RECENT_DAYS = 7  # a blocker nobody repeated for a week is not waiting on anyone any more
MAX_QUOTED = 300


async def blocked_decisions_for(ctx: Context, person: Actor) -> tuple[Block, ...]:
    """What blocks the decisions `person` is Accountable for, across the workspace's stand-ups."""
    blocks: list[Block] = []
    async with ctx.db.transaction() as session:
        for team in await repo.workspace_teams(session, person.workspace_id):
            if team.platform == person.platform and team.id is not None:
                blocks += await _of_standup(session, ctx, team, person.user_id)
    return tuple(blocks)


async def _of_standup(
    session: AsyncSession, ctx: Context, team: StandupTeam, user_id: str
) -> list[Block]:
    assert team.id is not None
    schedule = schedule_of(team)
    now = ctx.clock.now()
    escalated = [
        row
        for row in await escalations_repo.of_standup(session, team.id)
        if row.state not in (RESOLVED, NOT_MINE) and user_id in row.owners
    ]
    decision_in = await decision_lookup(session, schedule.conversation(), now)
    today = local_day(now, schedule.tz)
    latest = {
        answer.user_id: answer  # oldest first: each member's latest answer wins
        for answer in await repo.answers_between(
            session, team.id, today - timedelta(days=RECENT_DAYS), today
        )
    }
    shown = {(row.user_id, row.decision_key) for row in escalated}
    blocked = []
    for raiser, answer in latest.items():
        blocker = PersonAnswers(raiser, "", load_entries(answer)).blocker
        named = decision_in(blocker) if blocker else None
        if named is None or (raiser, named.key) in shown:
            continue
        if user_id in {holder.user_id for holder in named.owners}:
            blocked.append((named.name, raiser, blocker or "", answer.day))
    ids = {row.user_id for row in escalated} | {raiser for _, raiser, _, _ in blocked}
    ids |= {row.answered_by for row in escalated if row.answered_by}
    names = await people.names(session, team.workspace_id, ids) if ids else {}
    blocks: list[Block] = []
    for row in escalated:
        assert row.id is not None
        if row.state == OPEN:
            state = "no answer yet"
        elif row.answered_by == user_id:
            state = "you said you will unblock it"
        else:
            state = f"{names.get(row.answered_by, row.answered_by)} will unblock it"
        blocks += [
            text(
                Bold(row.decision),
                f": {names.get(row.user_id, row.user_id)}'s blocker in the {team.name} stand-up,"
                f" escalated to you on {day_label(row.escalated_on)} ({state})",
            ),
            small_print(f"“{row.blocker[:MAX_QUOTED]}”"),
            buttons(*answer_buttons(row.id, resolved_only=row.state != OPEN)),
        ]
    for decision, raiser, blocker, day in blocked:
        blocks += [
            text(
                Bold(decision),
                f": {names.get(raiser, raiser)}'s blocker in the {team.name} stand-up"
                f" ({day_label(day)})",
            ),
            small_print(f"“{blocker[:MAX_QUOTED]}”"),
        ]
    return blocks


async def latest_blocker(
    session: AsyncSession, team_id: int, user_id: str, day: date
) -> str | None:
    """The blocker of `user_id`'s answer for `day`, else of their latest before it."""
    answer = await repo.answer_for(session, team_id, user_id, day)
    answer = answer or await repo.latest_before(session, team_id, user_id, day)
    return PersonAnswers(user_id, "", load_entries(answer)).blocker if answer else None


async def mark_owners_stale(
    session: AsyncSession, ctx: Context, schedule: TeamSchedule, blockers: Iterable[str | None]
) -> None:
    """A blocker that names a decision (or no longer does) changes its Accountable people's
    home pages: queue theirs."""
    said = [blocker for blocker in blockers if blocker]
    if not said or not ctx.messenger.has_home(schedule.team.platform):
        return
    decision_in = await decision_lookup(session, schedule.conversation(), ctx.clock.now())
    owners = [h.user_id for b in said if (named := decision_in(b)) for h in named.owners]
    await homes.mark_stale(session, ctx, schedule.team.platform, schedule.team.workspace_id, owners)
