"""What waits for one person: today's stand-ups they have not answered (their home page)."""

from __future__ import annotations

from bot.context import Context
from bot.events import Actor
from bot.features.standups import views
from bot.features.standups.schedule import local_day
from bot.features.standups.service import (
    holiday_days,
    is_skipping,
    is_standup_day,
    person_zones,
    schedule_of,
)
from bot.replies import Block, Bold, Button, ButtonStyle, buttons, text
from storage.repositories import standups as repo


async def waiting_for(ctx: Context, person: Actor) -> tuple[Block, ...]:
    """Each stand-up of this person's with today (their local day) a stand-up day, not
    answered and not skipped: a line and the same Answer button the prompt carries."""
    blocks: list[Block] = []
    async with ctx.db.transaction() as session:
        teams = await repo.teams_of_member(session, person.workspace_id, person.user_id)
        teams = [t for t in teams if t.platform == person.platform and t.id is not None]
        if not teams:
            return ()
        zones = await person_zones(session, person.workspace_id, [person.user_id])
        day = local_day(ctx.clock.now(), zones[person.user_id].tz)
        for team in teams:
            assert team.id is not None
            schedule = schedule_of(team)
            if not is_standup_day(schedule, day, await holiday_days(session, team.id, day, day)):
                continue
            away = await repo.skips(
                session, person.workspace_id, [person.user_id], day, day, team_id=team.id
            )
            if is_skipping(away.get(person.user_id, []), day):
                continue
            if await repo.answer_for(session, team.id, person.user_id, day) is not None:
                continue
            value = views.action_value(team.id, day)
            blocks.append(text(Bold(team.name), f" stand-up, {views.day_label(day)}"))
            blocks.append(
                buttons(
                    Button("Answer", views.OPEN_ACTION, value, ButtonStyle.PRIMARY, True),
                    Button("Skip today", views.SKIP_ACTION, value),
                )
            )
    return tuple(blocks)
