"""`/standup ...`: one command, many verbs; a team may be named first (`/standup design stats`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Context
from bot.errors import PermissionDenied, UserError
from bot.events import Actor, Command, Submission
from bot.feature import (
    Arg,
    ArgKind,
    Args,
    CommandSpec,
    Example,
    Scope,
    Subcommand,
    SubcommandHandler,
)
from bot.features.standups import forms, views
from bot.features.standups.answers import answer_now
from bot.features.standups.participation import participation
from bot.features.standups.questions import load_questions
from bot.features.standups.schedule import (
    MAX_PERIOD_DAYS,
    at_local,
    days_between,
    local_day,
    parse_date,
    parse_period,
)
from bot.features.standups.service import (
    holiday_days,
    is_skipping,
    is_standup_day,
    load_entries,
    person_zones,
    schedule_of,
)
from bot.mentions import mentions, readable, without_mentions
from bot.replies import Code, FormErrors, Heading, Outcome, fields, reply, small_print, text
from bot.timezones import canonical_zone
from storage.models.standups import StandupHoliday, StandupTeam
from storage.repositories import people
from storage.repositories import standups as repo


async def _team_named(word: str, command: Command, ctx: Context) -> StandupTeam | None:
    async with ctx.db.transaction() as session:
        return await repo.team_by_slug(session, command.actor.workspace_id, forms.slugify(word))


async def _team_names(command: Command, ctx: Context) -> list[str]:
    async with ctx.db.transaction() as session:
        return [t.slug for t in await repo.workspace_teams(session, command.actor.workspace_id)]


def _named_team(args: Args) -> StandupTeam | None:
    """The team named before the subcommand (`/standup design stats`), if any."""
    return args.scope if isinstance(args.scope, StandupTeam) else None


async def answer(command: Command, args: Args, ctx: Context) -> Outcome:
    """`/standup [team]` with no subcommand: answer today's stand-up now."""
    return await answer_now(command, ctx, _named_team(args))


async def _which_team(
    session: AsyncSession, command: Command, team: StandupTeam | None
) -> StandupTeam:
    """The named team, else this channel's, else the asker's only one."""
    if team is not None:
        return team
    actor = command.actor
    here = await repo.teams_in_channel(session, actor.workspace_id, command.conversation.channel_id)
    if len(here) == 1:
        return here[0]
    mine = await repo.teams_of_member(session, actor.workspace_id, actor.user_id)
    candidates = here or mine
    if len(candidates) == 1:
        return candidates[0]
    everyone = candidates or await repo.workspace_teams(session, actor.workspace_id)
    if not everyone:
        raise UserError("There is no stand-up yet. Create one with /standup setup.")
    names = ", ".join(t.slug for t in everyone[:8])
    raise UserError(f"Which stand-up? Name it first, e.g. /standup {everyone[0].slug} … ({names}).")


async def _ensure_may_read(session: AsyncSession, actor: Actor, team: StandupTeam) -> None:
    """A team's answers and participation are for its members (and admins, and whoever set
    it up), not for anyone who knows its name."""
    if not await _can_manage(session, actor, team):
        raise PermissionDenied(
            f"Only members of the {team.name} stand-up and admins can see its answers and stats."
        )


async def _can_manage(session: AsyncSession, actor: Actor, team: StandupTeam) -> bool:
    if actor.is_admin or team.created_by == actor.user_id:
        return True
    assert team.id is not None
    return actor.user_id in {m.user_id for m in await repo.members(session, team.id)}


# Set-up -------------------------------------------------------------------------------------


async def setup(command: Command, args: Args, ctx: Context) -> Outcome:
    """`/standup setup [name]`: the set-up form, for a new team or an existing one."""
    wanted = args.text("name")
    team = _named_team(args)
    actor = command.actor
    async with ctx.db.transaction() as session:
        if team is None and wanted:
            team = await repo.team_by_slug(session, actor.workspace_id, forms.slugify(wanted))
        if team is None and not wanted:
            here = await repo.teams_in_channel(
                session, actor.workspace_id, command.conversation.channel_id
            )
            team = here[0] if len(here) == 1 else None
        if team is None:
            zone = (await person_zones(session, actor.workspace_id, [actor.user_id]))[actor.user_id]
            channel_id = "" if command.conversation.is_direct else command.conversation.channel_id
            name = " ".join(readable(wanted).split())
            if len(name) > forms.MAX_NAME_CHARS:
                raise UserError(
                    f"That team name is {len(name):,} characters long; keep it to "
                    f"{forms.MAX_NAME_CHARS}, e.g. `/standup setup Design`."
                )
            defaults = forms.new_team_defaults(name, channel_id, actor.user_id, zone.tz.key)
            return forms.setup_form(defaults, None)
        if not await _can_manage(session, actor, team):
            raise PermissionDenied(
                f"Only {team.name}'s members and admins can change its stand-up."
            )
        assert team.id is not None
        member_ids = [m.user_id for m in await repo.members(session, team.id)]
    return forms.setup_form(forms.team_defaults(team, member_ids, load_questions(team)), team.id)


async def submit_setup(submission: Submission, ctx: Context) -> Outcome:
    """Creates or updates the team in one transaction; bad values keep the form open."""
    values = forms.read_setup(submission)
    if isinstance(values, dict):
        return FormErrors(values)
    actor = submission.actor
    now = ctx.clock.now()
    team_id = int(submission.metadata) if submission.metadata.isdigit() else None
    async with ctx.db.transaction() as session:
        team = await _team_to_save(session, actor, team_id, now)
        clash = await repo.team_by_slug(session, actor.workspace_id, values.slug)
        if clash is not None and clash.id != team_id:
            return FormErrors(
                {"name": f"There is already a stand-up called {clash.name}; pick another name."}
            )
        _apply(team, values, now)
        await repo.save_team(session, team, values.member_ids, now)
        zones = await person_zones(session, actor.workspace_id, values.member_ids)
        names = await people.names(session, actor.workspace_id, set(values.member_ids))
    schedule = schedule_of(team)
    today = local_day(now, schedule.tz)
    members = [
        views.MemberLine(
            names[uid],
            zones[uid].tz.key,
            zones[uid].source == "fallback",
            at_local(today, schedule.prompt_at, zones[uid].tz) > schedule.summary_instant(today),
        )
        for uid in values.member_ids
    ]
    return views.team_saved(team, values.questions, members, created=team_id is None)


async def _team_to_save(
    session: AsyncSession, actor: Actor, team_id: int | None, now: datetime
) -> StandupTeam:
    if team_id is None:
        return StandupTeam(
            workspace_id=actor.workspace_id,
            platform=actor.platform,
            slug="",
            name="",
            channel_id="",
            questions="[]",
            weekdays="",
            prompt_time="",
            summary_time="",
            timezone="UTC",
            reminder_minutes=0,
            style="",
            created_by=actor.user_id,
            created_at=now,
            updated_at=now,
        )
    team = await repo.team_by_id(session, team_id)
    if team is None or team.workspace_id != actor.workspace_id:
        raise UserError("That stand-up was deleted meanwhile; nothing was saved.")
    if not await _can_manage(session, actor, team):
        raise PermissionDenied(f"Only {team.name}'s members and admins can change its stand-up.")
    return team


def _apply(team: StandupTeam, values: forms.SetupValues, now: datetime) -> None:
    team.name = values.name
    team.slug = values.slug
    team.channel_id = values.channel_id
    team.questions = repo.questions_column(values.questions)
    team.weekdays = values.weekdays_column
    team.prompt_time = values.prompt_text
    team.summary_time = values.summary_text
    team.timezone = canonical_zone(values.timezone) or "UTC"
    team.reminder_minutes = values.reminder_minutes
    team.style = values.style
    team.escalate_after_days = values.escalate_after_days
    team.updated_at = now


async def remove(command: Command, args: Args, ctx: Context) -> Outcome:
    """`/standup remove <team>`: deletes the stand-up and its history (admins or its creator)."""
    named = args.text("team")
    team = _named_team(args)
    actor = command.actor
    async with ctx.db.transaction() as session:
        if team is None:
            if not named:
                raise UserError("Which stand-up? e.g. /standup remove design")
            team = await repo.team_by_slug(session, actor.workspace_id, forms.slugify(named))
            if team is None:
                raise UserError(f"There is no stand-up called “{named[:40]}”.")
        if not (actor.is_admin or team.created_by == actor.user_id):
            raise PermissionDenied("Only an admin or whoever created a stand-up can remove it.")
        await repo.delete_team(session, team)
    return reply(text(f"The {team.name} stand-up and its history are removed."))


async def escalate(command: Command, args: Args, ctx: Context) -> Outcome:
    """`/standup [team] escalate [N|off]`: after how many stuck stand-up days a blocker naming a
    RACI decision goes to its Accountable person."""
    typed = args.text("days")
    team = _named_team(args)
    async with ctx.db.transaction() as session:
        team = await _which_team(session, command, team)
        if not typed:
            return reply(text(_escalation_setting(team)), small_print(*_ESCALATE_HINT))
        days = forms.parse_escalate_days(typed)
        if days is None:
            raise UserError(
                f"`{typed[:20]}` is not a number of stand-up days. Use 0 to "
                f"{forms.MAX_ESCALATE_DAYS}, or off, e.g. `/standup escalate 3`."
            )
        if not await _can_manage(session, command.actor, team):
            raise PermissionDenied(
                f"Only {team.name}'s members and admins can change its stand-up."
            )
        team.escalate_after_days, team.updated_at = days, ctx.clock.now()
        session.add(team)
    return reply(text("Done. " + _escalation_setting(team)))


_ESCALATE_HINT = (
    "Change it with ",
    Code("/standup escalate 3"),
    " or ",
    Code("/standup escalate off"),
    ".",
)


def _escalation_setting(team: StandupTeam) -> str:
    days = team.escalate_after_days
    if not days:
        return f"{team.name} does not escalate stuck blockers."
    return (
        f"{team.name} sends a blocker that names a RACI decision to the decision's Accountable "
        f"person once it is stuck for {days} stand-up day{'s' if days != 1 else ''}."
    )


async def list_teams(command: Command, args: Args, ctx: Context) -> Outcome:
    async with ctx.db.transaction() as session:
        teams = await repo.workspace_teams(session, command.actor.workspace_id)
        counts = await repo.members_of(session, [t.id for t in teams if t.id is not None])
    return views.team_list(teams, {tid: len(ids) for tid, ids in counts.items()})


# Time zones and days off --------------------------------------------------------------------


async def tz(command: Command, args: Args, ctx: Context) -> Outcome:
    """`/standup tz [Zone|auto]`: shows or sets the zone your prompts follow."""
    zone = args.text("zone")
    actor = command.actor
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        if zone.lower() in {"auto", "reset", "profile"}:
            await repo.clear_timezone(session, actor.workspace_id, actor.user_id)
        elif zone:
            name = canonical_zone(zone)
            if name is None:
                raise UserError(forms.unknown_zone_message(zone))
            await repo.set_timezone(session, actor.workspace_id, actor.user_id, name, now)
        current = (await person_zones(session, actor.workspace_id, [actor.user_id]))[actor.user_id]
    source = {
        "chosen": "you chose it",
        "profile": "from your profile",
        "fallback": "I don't know yours, so I use UTC",
    }[current.source]
    local = now.astimezone(current.tz)
    return reply(
        text(f"Your stand-up time zone: {current.tz.key} ({source}); it is {local:%H:%M} there."),
        small_print(
            "Change it with ",
            Code("/standup tz Europe/Paris"),
            "; follow your profile again with ",
            Code("/standup tz auto"),
            ".",
        ),
    )


async def skip(command: Command, args: Args, ctx: Context) -> Outcome:
    """`/standup skip today|tomorrow|until 2026-12-01|2026-12-01[..2026-12-05]`."""
    when = args.text("when")
    actor = command.actor
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        zone = (await person_zones(session, actor.workspace_id, [actor.user_id]))[actor.user_id]
        today = local_day(now, zone.tz)
        if not when:
            return await _show_skips(session, actor, today)
        first, last = _skip_days(when, today)
        await repo.add_skip(session, actor.workspace_id, actor.user_id, first, last, now)
    span = views.day_label(first) + ("" if first == last else f" to {views.day_label(last)}")
    return reply(
        text(
            f"You're away {span}: no stand-up prompts or reminders, and summaries list you as "
            "away. Undo with /standup unskip."
        )
    )


def _skip_days(args: str, today: date) -> tuple[date, date]:
    word = args.strip().lower()
    if word == "today":
        return today, today
    if word == "tomorrow":
        return today + timedelta(days=1), today + timedelta(days=1)
    if word.startswith("until "):
        last = parse_date(word.removeprefix("until "))
        if last is None:
            raise UserError("Give the last day away as a date, e.g. /standup skip until 2026-12-01")
        first = today
    elif ".." in word:
        try:
            first, last = parse_period(word, today)
        except ValueError as error:
            raise UserError(str(error)) from error
    else:
        day = parse_date(word)
        if day is None:
            raise UserError(
                "Skip when? /standup skip today, tomorrow, until 2026-12-01, or a date like "
                "2026-12-24."
            )
        first = last = day
    if last < today:
        raise UserError("That day is already past; pick today or a later day.")
    if (last - today).days > MAX_PERIOD_DAYS:
        raise UserError("You can plan up to a year ahead.")
    return max(first, today), last


async def _show_skips(session: AsyncSession, actor: Actor, today: date) -> Outcome:
    found = (await repo.skips(session, actor.workspace_id, [actor.user_id], today, date.max)).get(
        actor.user_id, []
    )
    usage = small_print(
        "Mark days away with ",
        Code("/standup skip tomorrow"),
        " or ",
        Code("/standup skip until 2026-12-01"),
        ".",
    )
    if not found:
        return reply(text("You have no days away planned."), usage)
    lines = [
        views.day_label(away.first_day)
        + ("" if away.first_day == away.last_day else f" – {views.day_label(away.last_day)}")
        for away in found
    ]
    return reply(
        text("You're away: " + "; ".join(lines) + "."),
        small_print("Back early? ", Code("/standup unskip"), " clears them from today on."),
    )


async def unskip(command: Command, args: Args, ctx: Context) -> Outcome:
    actor = command.actor
    async with ctx.db.transaction() as session:
        zone = (await person_zones(session, actor.workspace_id, [actor.user_id]))[actor.user_id]
        today = local_day(ctx.clock.now(), zone.tz)
        cleared = await repo.clear_skips(session, actor.workspace_id, actor.user_id, today)
    if not cleared:
        return reply(text("You had no days away planned from today on."))
    return reply(text("You're back: stand-up prompts resume from today."))


MAX_HOLIDAY_NOTE = 200


async def holiday(command: Command, args: Args, ctx: Context) -> Outcome:
    """`/standup holiday 2026-12-25 [note]`, `holiday list`, `holiday remove 2026-12-25`."""
    typed = args.text("day")
    team = _named_team(args)
    word, _, rest = typed.partition(" ")
    async with ctx.db.transaction() as session:
        team = await _which_team(session, command, team)
        schedule = schedule_of(team)
        today = local_day(ctx.clock.now(), schedule.tz)
        if word.lower() in {"", "list"}:
            upcoming = await repo.holidays(session, schedule.team_id, today, date.max)
            return _holiday_list(team, upcoming)
        if not await _can_manage(session, command.actor, team):
            raise PermissionDenied(
                f"Only {team.name}'s members and admins can change its holidays."
            )
        if word.lower() in {"remove", "delete"}:
            day = _holiday_day(rest.strip(), today, allow_past=True)
            if not await repo.remove_holiday(session, schedule.team_id, day):
                raise UserError(f"{views.day_label(day)} is not a {team.name} holiday.")
            return reply(text(f"{views.day_label(day)} is a normal stand-up day again."))
        day = _holiday_day(word, today, allow_past=False)
        note = " ".join(readable(rest).split())
        if len(note) > MAX_HOLIDAY_NOTE:
            raise UserError(
                f"That holiday name is {len(note):,} characters long; keep it to "
                f"{MAX_HOLIDAY_NOTE} characters, e.g. `/standup holiday 2026-12-25 Christmas`."
            )
        added = await repo.add_holiday(
            session, team, day, note, command.actor.user_id, ctx.clock.now()
        )
    if not added:
        return reply(text(f"{views.day_label(day)} already is a {team.name} holiday."))
    return reply(
        text(f"{views.day_label(day)} is a {team.name} holiday: no prompts and no summary."),
        public=True,
    )


def _holiday_day(word: str, today: date, *, allow_past: bool) -> date:
    day = parse_date(word)
    if day is None:
        raise UserError("Give the holiday as a date, e.g. /standup holiday 2026-12-25")
    if day < today and not allow_past:
        raise UserError("That day is already past.")
    return day


def _holiday_list(team: StandupTeam, days: list[StandupHoliday]) -> Outcome:
    if not days:
        return reply(
            text(f"No upcoming {team.name} holidays."),
            small_print("Add one with ", Code("/standup holiday 2026-12-25 Christmas"), "."),
        )
    return reply(
        Heading(f"{team.name} holidays"),
        fields(*[(views.day_label(h.day), h.note or "—") for h in days]),
    )


# History and stats --------------------------------------------------------------------------


async def history(command: Command, args: Args, ctx: Context) -> Outcome:
    """`/standup history [@person] [7d|30d|2026-11-01..2026-11-20]` (default: 7 days)."""
    typed = args.text("period")
    team = _named_team(args)
    who = mentions(typed)
    period_text = without_mentions(typed) or "7d"
    async with ctx.db.transaction() as session:
        team = await _which_team(session, command, team)
        await _ensure_may_read(session, command.actor, team)
        schedule = schedule_of(team)
        first, last = _period(period_text, local_day(ctx.clock.now(), schedule.tz))
        user_ids = [m.user_id for m in who] or None
        answers = await repo.answers_between(session, schedule.team_id, first, last, user_ids)
        names = await people.names(
            session, team.workspace_id, {a.user_id for a in answers} | {m.user_id for m in who}
        )
    items = [
        views.HistoryItem(a.day, names[a.user_id], load_entries(a), a.on_time)
        for a in sorted(answers, key=lambda a: (-a.day.toordinal(), names[a.user_id].lower()))
    ]
    person = ", ".join(m.name or names[m.user_id] for m in who) or None
    return views.history(team.name, _period_label(first, last), items, person)


def _period(spec: str, today: date) -> tuple[date, date]:
    try:
        return parse_period(spec, today)
    except ValueError as error:
        raise UserError(str(error)) from error


def _period_label(first: date, last: date) -> str:
    return f"from {first:%a %d %b %Y} to {last:%a %d %b %Y}"


async def stats(command: Command, args: Args, ctx: Context) -> Outcome:
    """`/standup stats [7d|30d|from..to]`: participation per person and team, on time or late."""
    period = args.text("period")
    team = _named_team(args)
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        team = await _which_team(session, command, team)
        await _ensure_may_read(session, command.actor, team)
        schedule = schedule_of(team)
        today = local_day(now, schedule.tz)
        first, last = _period(period or "30d", today)
        last = min(last, today)
        members = await repo.members(session, schedule.team_id)
        member_ids = [m.user_id for m in members]
        answers = await repo.answers_between(session, schedule.team_id, first, last, member_ids)
        holidays = await holiday_days(session, schedule.team_id, first, last)
        away = await repo.skips(
            session, team.workspace_id, member_ids, first, last, team_id=schedule.team_id
        )
        names = await people.names(session, team.workspace_id, set(member_ids))
    finished = [
        day
        for day in days_between(first, last)
        if is_standup_day(schedule, day, holidays)
        and (day < today or now >= schedule.summary_instant(day))
    ]
    given = {(a.user_id, a.day): a for a in answers}
    rows = []
    for member in members:
        joined = local_day(member.added_at, schedule.tz)
        expected = [(member.user_id, d) for d in finished if d >= joined]
        counted = participation(
            expected, given, lambda who, day: is_skipping(away.get(who, []), day)
        )
        on_time = sum(given[key].on_time for key in expected if key in given)
        rows.append(
            views.MemberStats(names[member.user_id], counted.due, counted.answered, on_time)
        )
    return views.stats(team.name, _period_label(first, last), rows)


# The declaration ---------------------------------------------------------------------------


def _sub(
    name: str,
    summary: str,
    handler: SubcommandHandler,
    example: str,
    arg: str = "",
    *,
    aliases: tuple[str, ...] = (),
    scoped: bool = True,
) -> Subcommand:
    """A stand-up subcommand: at most one optional argument, read by the handler itself."""
    args = (Arg(arg, ArgKind.TEXT, required=False),) if arg else ()
    examples = (Example(example, summary),)
    return Subcommand(name, summary, handler, args, examples, aliases=aliases, scoped=scoped)


SPEC = CommandSpec(
    name="standup",
    summary="daily stand-ups: answer, set up a team, days away, history and stats",
    default=_sub(
        "", "answer today's stand-up (pre-filled with yesterday's plan)", answer, "/standup"
    ),
    subcommands=(
        _sub("setup", "create or change a stand-up team", setup, "/standup setup [name]", "name"),
        _sub(
            "tz",
            "your own time zone for prompts (auto: from your profile)",
            tz,
            "/standup tz Europe/Paris",
            "zone",
        ),
        _sub(
            "skip",
            "days away; /standup unskip undoes",
            skip,
            "/standup skip today|tomorrow|until 2026-12-01",
            "when",
            aliases=("skips",),
        ),
        _sub("unskip", "back early: prompts resume from today", unskip, "/standup unskip"),
        _sub(
            "holiday",
            "a team holiday (holiday list, holiday remove DATE)",
            holiday,
            "/standup holiday 2026-12-25",
            "day",
            aliases=("holidays",),
        ),
        _sub(
            "history",
            "past answers",
            history,
            "/standup history [@person] [7d|30d|from..to]",
            "period",
        ),
        _sub("stats", "participation and answers on time", stats, "/standup stats [30d]", "period"),
        _sub(
            "escalate",
            "send stuck blockers naming a decision to its Accountable",
            escalate,
            "/standup escalate 3|off",
            "days",
        ),
        _sub("list", "every stand-up in this workspace", list_teams, "/standup list", scoped=False),
        _sub(
            "remove",
            "delete a stand-up and its history (admins or its creator)",
            remove,
            "/standup remove design",
            "team",
        ),
    ),
    scope=Scope(
        "stand-up team",
        _team_named,
        _team_names,
        (Example("/standup design history 30d", "name a team first to pick it"),),
    ),
)
