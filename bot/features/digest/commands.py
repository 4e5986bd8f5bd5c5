"""`/digest`: see, schedule, preview and send the weekly product-review digest."""

from __future__ import annotations

from datetime import datetime, time

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Context
from bot.errors import PermissionDenied
from bot.events import Command, Conversation
from bot.feature import Arg, ArgKind, Args, CommandSpec, Example, Subcommand, Who
from bot.features.digest import facts, render
from bot.features.digest.schedule import When, parse_when, trigger
from bot.features.roles import load_matrix, may_edit
from bot.replies import Code, Outcome, Reply, reply, say, small_print, text
from storage.models.core import ProductTeam
from storage.models.digests import DigestSchedule
from storage.repositories import digests as repo
from storage.repositories import people, product_teams


async def _status(command: Command, args: Args, ctx: Context) -> Outcome:
    conversation = command.conversation
    async with ctx.db.transaction() as session:
        schedule = await repo.schedule_for(
            session, conversation.workspace_id, conversation.platform, conversation.channel_id
        )
    if schedule is None or not schedule.enabled:
        return reply(
            text("This channel gets no weekly digest yet."),
            small_print(
                "Start one with ",
                Code("/digest schedule"),
                " (Fridays 16:00 your time) or ",
                Code("/digest schedule mon 09:00 Europe/Berlin"),
                "; peek with ",
                Code("/digest preview"),
                ".",
            ),
        )
    when = when_of(schedule)
    upcoming = trigger(when).get_next_fire_time(None, ctx.clock.now())
    shown = f" Next: {upcoming:%a %d %b %H:%M %Z}." if upcoming else ""
    return say(f"This channel gets the weekly digest {when.describe()}.{shown}")


async def _may_schedule(session: AsyncSession, command: Command, team: ProductTeam) -> None:
    """The roles feature's rule for a team's settings: workspace admins and its Product Owner."""
    if not may_edit(command.actor, (await load_matrix(session, team)).matrix):
        raise PermissionDenied(
            "Only workspace admins and the team's Product Owner can change the digest schedule."
        )


async def _schedule(command: Command, args: Args, ctx: Context) -> Outcome:
    conversation = command.conversation
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        zone = await _zone_of(session, command)
        when = parse_when(args.text("when"), zone)
        team = await product_teams.team_for(session, conversation, now)
        assert team.id is not None
        await _may_schedule(session, command, team)
        schedule = await repo.schedule_for(
            session, conversation.workspace_id, conversation.platform, conversation.channel_id
        ) or DigestSchedule(
            workspace_id=conversation.workspace_id,
            platform=conversation.platform,
            channel_id=conversation.channel_id,
            team_id=team.id,
            weekday=when.weekday,
            time_of_day="",
            timezone=when.timezone,
            updated_by=command.actor.user_id,
            updated_at=now,
        )
        schedule.weekday, schedule.time_of_day = when.weekday, f"{when.at:%H:%M}"
        schedule.timezone, schedule.enabled = when.timezone, True
        schedule.updated_by, schedule.updated_at = command.actor.user_id, now
        await repo.save_schedule(session, schedule)
    if ctx.reschedule:
        await ctx.reschedule()
    return reply(
        text(f"Done: this channel gets the weekly product-review digest {when.describe()}."),
        small_print("See it now with ", Code("/digest preview"), "."),
    )


async def _zone_of(session: AsyncSession, command: Command) -> str:
    if command.actor.timezone:
        return command.actor.timezone
    person = await people.find(session, command.actor.workspace_id, command.actor.user_id)
    return (person.timezone if person else None) or "UTC"


async def _off(command: Command, args: Args, ctx: Context) -> Outcome:
    conversation = command.conversation
    async with ctx.db.transaction() as session:
        schedule = await repo.schedule_for(
            session, conversation.workspace_id, conversation.platform, conversation.channel_id
        )
        if schedule is None or not schedule.enabled:
            return say("This channel has no digest to turn off.")
        team = await session.get(ProductTeam, schedule.team_id)
        assert team is not None
        await _may_schedule(session, command, team)
        schedule.enabled = False
        schedule.updated_by, schedule.updated_at = command.actor.user_id, ctx.clock.now()
        await repo.save_schedule(session, schedule)
    if ctx.reschedule:
        await ctx.reschedule()
    return say("The weekly digest for this channel is off. `/digest schedule` turns it back on.")


async def _build_now(command: Command, ctx: Context, *, public: bool) -> Reply:
    conversation = command.conversation
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        schedule = await repo.schedule_for(
            session, conversation.workspace_id, conversation.platform, conversation.channel_id
        )
        team = await product_teams.team_for(session, conversation, now)
        if schedule is None:
            assert team.id is not None
            schedule = _unsaved(conversation, team.id, await _zone_of(session, command), now)
        return await build(session, schedule, team.name, now, public=public)


async def _preview(command: Command, args: Args, ctx: Context) -> Outcome:
    return await _build_now(command, ctx, public=False)


async def _send_now(command: Command, args: Args, ctx: Context) -> Outcome:
    posted = await _build_now(command, ctx, public=True)
    await ctx.messenger.post(command.conversation, posted)
    return say("Sent the digest to this channel.")


def _unsaved(conversation: Conversation, team_id: int, zone: str, now: datetime) -> DigestSchedule:
    """A schedule-shaped value for previews in channels that have not scheduled one."""
    return DigestSchedule(
        workspace_id=conversation.workspace_id,
        platform=conversation.platform,
        channel_id=conversation.channel_id,
        team_id=team_id,
        weekday=4,
        time_of_day="16:00",
        timezone=zone,
        updated_by="",
        updated_at=now,
    )


async def build(
    session: AsyncSession, schedule: DigestSchedule, team_name: str, end: datetime, *, public: bool
) -> Reply:
    return render.digest(await facts.gather(session, schedule, end), team_name, public=public)


def when_of(schedule: DigestSchedule) -> When:
    hours, minutes = schedule.time_of_day.split(":")
    return When(schedule.weekday, time(int(hours), int(minutes)), schedule.timezone)


_STATUS = Subcommand(
    "status",
    "when this channel's digest goes out",
    _status,
    examples=(Example("/digest", "when this channel's digest goes out"),),
)

SPEC = CommandSpec(
    name="digest",
    summary="the weekly product-review digest for this channel",
    default=_STATUS,
    subcommands=(
        _STATUS,
        Subcommand(
            "schedule",
            "set or change the schedule (Fridays 16:00 your time when no time is given)",
            _schedule,
            args=(Arg("when", ArgKind.TEXT, required=False),),
            examples=(
                Example("/digest schedule fri 16:00 Europe/Berlin", "set or change the schedule"),
            ),
        ),
        Subcommand(
            "preview",
            "this week's digest, only to you",
            _preview,
            examples=(Example("/digest preview", "this week's digest, only to you"),),
        ),
        Subcommand(
            "send",
            "post it now",
            _send_now,
            examples=(Example("/digest send", "post it now (admins)"),),
            who=Who.ADMINS,
            doing="send the digest by hand",
        ),
        Subcommand(
            "off",
            "stop the weekly digest",
            _off,
            examples=(Example("/digest off", "stop the weekly digest"),),
        ),
    ),
)
