"""What commands and scheduled jobs share: a team's schedule, people's zones and days, and
building a day's summary (posting it: `delivery`)."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Context
from bot.events import Conversation
from bot.features.roles import owner_lookup
from bot.features.standups.escalation_state import escalation_lookup
from bot.features.standups.questions import Kind, Question, load_questions
from bot.features.standups.schedule import at_local, is_workday, previous_standup_days
from bot.features.standups.summary import (
    DaySummary,
    Entry,
    EscalationOf,
    OwnerOf,
    PersonAnswers,
    Someone,
    Summary,
    blocker_streak,
    build_summary,
    is_blocker,
)
from bot.timezones import parse_clock, zone
from storage.models.standups import StandupAnswer, StandupSkip, StandupSummary, StandupTeam
from storage.repositories import people
from storage.repositories import standups as repo

log = logging.getLogger(__name__)

STREAK_LOOKBACK = 10  # stand-up days looked at to measure how long a blocker has repeated
THREADED = "threaded"
COMPACT = "compact"


@dataclass(frozen=True)
class TeamSchedule:
    """A team's stand-up schedule (questions, days, times, zone, style), parsed from its row."""

    team: StandupTeam
    questions: tuple[Question, ...]
    weekdays: frozenset[int]
    prompt_at: time
    summary_at: time
    tz: ZoneInfo

    @property
    def team_id(self) -> int:
        assert self.team.id is not None
        return self.team.id

    @property
    def threaded(self) -> bool:
        return self.team.style == THREADED

    def summary_instant(self, day: date) -> datetime:
        return at_local(day, self.summary_at, self.tz)

    def conversation(self, thread_id: str | None = None) -> Conversation:
        team = self.team
        return Conversation(team.platform, team.workspace_id, team.channel_id, thread_id)


def schedule_of(team: StandupTeam) -> TeamSchedule:
    return TeamSchedule(
        team=team,
        questions=load_questions(team),
        weekdays=frozenset(int(d) for d in team.weekdays.split(",") if d),
        prompt_at=parse_clock(team.prompt_time) or time(9, 30),
        summary_at=parse_clock(team.summary_time) or time(11, 0),
        tz=zone(team.timezone) or ZoneInfo("UTC"),
    )


# People's zones and days --------------------------------------------------------------------


@dataclass(frozen=True)
class PersonZone:
    user_id: str
    tz: ZoneInfo
    source: str  # "chosen", "profile" or "fallback" (UTC because nothing valid is known)


def resolve_zone(user_id: str, zones: repo.Zones | None) -> PersonZone:
    """The person's own choice, else their platform profile, else UTC."""
    if zones is not None:
        chosen, profile = zone(zones.chosen), zone(zones.profile)
        if chosen is not None:
            return PersonZone(user_id, chosen, "chosen")
        if profile is not None:
            return PersonZone(user_id, profile, "profile")
    return PersonZone(user_id, ZoneInfo("UTC"), "fallback")


async def person_zones(
    session: AsyncSession, workspace_id: str, user_ids: Collection[str]
) -> dict[str, PersonZone]:
    found = await repo.zones(session, workspace_id, user_ids)
    return {uid: resolve_zone(uid, found.get(uid)) for uid in user_ids}


def is_skipping(skips: Collection[StandupSkip], day: date) -> bool:
    return any(skip.first_day <= day <= skip.last_day for skip in skips)


async def holiday_days(session: AsyncSession, team_id: int, first: date, last: date) -> set[date]:
    return {holiday.day for holiday in await repo.holidays(session, team_id, first, last)}


def is_standup_day(schedule: TeamSchedule, day: date, holidays: Collection[date]) -> bool:
    return is_workday(day, schedule.weekdays, holidays)


# Answers ------------------------------------------------------------------------------------


def load_entries(answer: StandupAnswer) -> tuple[Entry, ...]:
    return tuple(Entry(e.question, Kind(e.kind), e.answer) for e in repo.entries_of(answer))


def answer_of_kind(answer: StandupAnswer | None, kind: Kind) -> str | None:
    if answer is None:
        return None
    return next((e.answer for e in load_entries(answer) if e.kind is kind and e.answer), None)


def blocker_of(answer: StandupAnswer | None) -> str | None:
    text = answer_of_kind(answer, Kind.BLOCKERS)
    return text if text is not None and is_blocker(text) else None


# Summaries ----------------------------------------------------------------------------------


async def day_summary(session: AsyncSession, schedule: TeamSchedule, day: date) -> DaySummary:
    """Who answered (with blocker streaks), who has not, and who is away on `day`."""
    team = schedule.team
    member_ids = [m.user_id for m in await repo.members(session, schedule.team_id)]
    answers = await repo.answers_between(session, schedule.team_id, day, day)
    answered_ids = [a.user_id for a in answers]
    names = await people.names(session, team.workspace_id, set(member_ids) | set(answered_ids))
    away_by_user = await repo.skips(
        session, team.workspace_id, member_ids, day, day, team_id=schedule.team_id
    )
    streaks = await _streaks(session, schedule, day, answers)
    done = set(answered_ids)
    return DaySummary(
        team_name=team.name,
        day=day,
        answers=tuple(
            PersonAnswers(a.user_id, names[a.user_id], load_entries(a), streaks.get(a.user_id, 0))
            for a in sorted(answers, key=lambda a: names[a.user_id].lower())
        ),
        missing=tuple(
            Someone(uid, names[uid])
            for uid in member_ids
            if uid not in done and uid not in away_by_user
        ),
        away=tuple(
            Someone(uid, names[uid])
            for uid in member_ids
            if uid not in done and uid in away_by_user
        ),
    )


async def _streaks(
    session: AsyncSession, schedule: TeamSchedule, day: date, answers: Collection[StandupAnswer]
) -> dict[str, int]:
    """How many stand-up days in a row each person's blocker has been (much) the same."""
    blocked = {a.user_id: b for a in answers if (b := blocker_of(a)) is not None}
    if not blocked:
        return {}
    first = day - timedelta(days=STREAK_LOOKBACK * 3)
    holidays = await holiday_days(session, schedule.team_id, first, day)
    earlier_days = previous_standup_days(day, schedule.weekdays, holidays, STREAK_LOOKBACK)
    if not earlier_days:
        return dict.fromkeys(blocked, 1)
    history = await repo.answers_between(
        session, schedule.team_id, earlier_days[-1], day, list(blocked)
    )
    by_user_day = {(a.user_id, a.day): blocker_of(a) for a in history}
    return {
        uid: blocker_streak(text, [by_user_day.get((uid, d)) for d in earlier_days])
        for uid, text in blocked.items()
    }


async def _owner_of(session: AsyncSession, team: StandupTeam, now: datetime) -> OwnerOf | None:
    """Names who is Accountable for a decision a blocker mentions (from the RACI matrix)."""
    where = Conversation(team.platform, team.workspace_id, team.channel_id)
    try:
        return await owner_lookup(session, where, now)
    except Exception:
        log.exception("the blocker owner lookup failed; the summary goes out without it")
        return None


async def _escalation_of(
    session: AsyncSession, schedule: TeamSchedule, day: date, now: datetime
) -> EscalationOf | None:
    """Where each named blocker's escalation stands; the summary goes out without it on error."""
    try:
        return await escalation_lookup(
            session, schedule.team_id, schedule.conversation(), schedule.tz, day, now
        )
    except Exception:
        log.exception("the escalation lookup failed; the summary goes out without it")
        return None


async def render_summary(
    ctx: Context, schedule: TeamSchedule, day: date
) -> tuple[Summary, StandupSummary | None, dict[str, str]]:
    """The summary as it should read now, the posted one (if any) and its thread replies."""
    async with ctx.db.transaction() as session:
        data = await day_summary(session, schedule, day)
        owner_of = await _owner_of(session, schedule.team, ctx.clock.now())
        escalation_of = await _escalation_of(session, schedule, day, ctx.clock.now())
        posted = await repo.summary_for(session, schedule.team_id, day)
        posts = await repo.summary_posts(session, posted.id) if posted and posted.id else {}
    built = build_summary(
        data, threaded=schedule.threaded, owner_of=owner_of, escalation_of=escalation_of
    )
    return built, posted, posts
