"""What happened in a team's week, read from every feature's storage with bounded queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features.decisions import (
    DecisionMade,
    PendingDecision,
    decisions_made,
    pending_decisions,
)
from bot.features.insights import (
    Ranked,
    UnusedInsight,
    insights_no_vote_uses,
    unevidenced_leaders,
)
from bot.features.standups import DecisionEscalations, escalations_by_decision
from bot.features.standups.participation import PersonDay, participation
from bot.features.standups.questions import Kind
from bot.features.standups.service import answer_of_kind, is_skipping
from bot.features.standups.summary import blocker_streak, is_blocker
from bot.features.votes.ballots import items_of
from bot.features.votes.polls import counted
from storage.models.digests import DigestSchedule
from storage.models.standups import StandupAnswer, StandupTeam
from storage.models.votes import Poll
from storage.repositories import digests as repo
from storage.repositories import people
from storage.repositories import roles as roles_repo
from storage.repositories import standups as standups_repo

WEEK = timedelta(days=7)
WAITING_TOO_LONG = timedelta(days=7)
STUCK_DAYS = 3
# Research no vote uses is flagged while it is recent enough to still matter.
UNUSED_RESEARCH = timedelta(days=90)


@dataclass(frozen=True)
class Blocker:
    user_id: str
    name: str
    text: str
    days: int = 1


@dataclass(frozen=True)
class StandupWeek:
    name: str
    answered: int
    expected: int
    previous_answered: int
    previous_expected: int
    raised: int
    resolved: int
    still_open: tuple[Blocker, ...]

    @property
    def rate(self) -> float | None:
        return self.answered / self.expected if self.expected else None

    @property
    def previous_rate(self) -> float | None:
        return self.previous_answered / self.previous_expected if self.previous_expected else None


@dataclass(frozen=True)
class PollLine:
    poll_id: int
    question: str
    winners: tuple[str, ...] = ()
    ballots: int = 0
    age_days: int = 0
    unevidenced: tuple[str, ...] = ()  # top-third items no public insight supports


@dataclass(frozen=True)
class InsightLine:
    insight_id: int
    title: str
    acknowledgements: int


@dataclass(frozen=True)
class WeekFacts:
    start: datetime
    end: datetime
    timezone: str
    standups: tuple[StandupWeek, ...] = ()
    opened: tuple[PollLine, ...] = ()
    closed: tuple[PollLine, ...] = ()
    waiting: tuple[PollLine, ...] = ()
    insights: tuple[InsightLine, ...] = ()
    raci_changes: tuple[str, ...] = field(default_factory=tuple)
    escalations: tuple[DecisionEscalations, ...] = ()
    made: tuple[DecisionMade, ...] = ()
    unratified: tuple[PendingDecision, ...] = ()
    unused_insights: tuple[UnusedInsight, ...] = ()  # newest first

    @property
    def is_quiet(self) -> bool:
        return not (
            any(s.expected or s.answered for s in self.standups)
            or self.opened
            or self.closed
            or self.waiting
            or self.insights
            or self.raci_changes
            or self.escalations
            or self.made
            or self.unratified
            or self.unused_insights
        )


async def gather(session: AsyncSession, schedule: DigestSchedule, end: datetime) -> WeekFacts:
    start = end - WEEK
    ws, channel = schedule.workspace_id, schedule.channel_id
    teams = await standups_repo.teams_in_channel(session, ws, channel)
    opened = await repo.polls_opened(session, ws, channel, start, end)
    closed = await repo.polls_closed(session, ws, channel, start, end)
    waiting = await repo.polls_open_since(session, ws, channel, end - WAITING_TOO_LONG)
    insights = await repo.public_insights(session, ws, schedule.team_id, start, end)
    acks = await repo.acknowledgements(session, [i.id for i in insights if i.id is not None])
    changes = await roles_repo.changes_since(session, schedule.team_id, start, until=end)
    return WeekFacts(
        start=start,
        end=end,
        timezone=schedule.timezone,
        standups=tuple([await _standup_week(session, t, start, end) for t in teams]),
        opened=tuple(_poll_line(p, end) for p in opened),
        closed=tuple([await _closed_line(session, p) for p in closed]),
        waiting=tuple(_poll_line(p, end) for p in waiting),
        insights=tuple(InsightLine(i.id or 0, i.title, acks.get(i.id or 0, 0)) for i in insights),
        raci_changes=tuple(change.summary for change in changes),
        escalations=tuple(await escalations_by_decision(session, schedule.team_id, start, end)),
        made=tuple(await decisions_made(session, schedule.team_id, start, end)),
        unratified=tuple(await pending_decisions(session, schedule.team_id, end)),
        unused_insights=tuple(
            reversed(
                await insights_no_vote_uses(session, schedule.team_id, end - UNUSED_RESEARCH, end)
            )
        ),
    )


def _poll_line(poll: Poll, end: datetime) -> PollLine:
    return PollLine(poll.id or 0, poll.question, age_days=(end - poll.created_at).days)


async def _closed_line(session: AsyncSession, poll: Poll) -> PollLine:
    result, _ballots, turnout = await counted(session, poll)
    labels = items_of(poll)
    winners = tuple(labels[index] for index in result.winners)
    ranked = [Ranked(labels[p.index], p.rank, p.score) for p in result.order]
    unevidenced = await unevidenced_leaders(session, poll.team_id, ranked)
    return PollLine(poll.id or 0, poll.question, winners, turnout, unevidenced=tuple(unevidenced))


async def _standup_week(
    session: AsyncSession, team: StandupTeam, start: datetime, end: datetime
) -> StandupWeek:
    assert team.id is not None
    zone = ZoneInfo(team.timezone)
    first, last = (start - WEEK).astimezone(zone).date(), end.astimezone(zone).date()
    middle = start.astimezone(zone).date()
    answers = await standups_repo.answers_between(session, team.id, first, last)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    prompts = await standups_repo.sent_prompts(session, team.id, days)
    this_week = [a for a in answers if a.day > middle]
    before = [a for a in answers if a.day <= middle]
    people_seen = {user for user, _, _ in prompts} | {a.user_id for a in answers}
    away = await standups_repo.skips(
        session, team.workspace_id, people_seen, first, last, team_id=team.id
    )

    def is_away(user_id: str, day: date) -> bool:
        return is_skipping(away.get(user_id, []), day)

    now_week = participation(
        _expected(prompts, this_week, middle + timedelta(days=1), last), _given(this_week), is_away
    )
    last_week = participation(_expected(prompts, before, first, middle), _given(before), is_away)
    raised, resolved, open_blockers = _blockers(this_week, before)
    names = await people.names(session, team.workspace_id, {b.user_id for b in open_blockers})
    return StandupWeek(
        name=team.name,
        answered=now_week.answered,
        expected=now_week.due,
        previous_answered=last_week.answered,
        previous_expected=last_week.due,
        raised=raised,
        resolved=resolved,
        still_open=tuple(
            Blocker(b.user_id, names.get(b.user_id, b.user_id), b.text, b.days)
            for b in open_blockers
        ),
    )


def _expected(
    prompts: Mapping[tuple[str, date, str], datetime],
    answers: list[StandupAnswer],
    first: date,
    last: date,
) -> set[PersonDay]:
    """People-days that called for an answer: a prompt went out, or someone answered anyway."""
    due = {(user, day) for user, day, kind in prompts if kind == "prompt" and first <= day <= last}
    return due | _given(answers)


def _given(answers: list[StandupAnswer]) -> set[PersonDay]:
    return {(a.user_id, a.day) for a in answers}


def _blockers(
    this_week: list[StandupAnswer], before: list[StandupAnswer]
) -> tuple[int, int, list[Blocker]]:
    """Raised this week, resolved this week, and still open at the end (with streaks)."""
    history: dict[str, list[str | None]] = defaultdict(list)
    for answer in sorted(before, key=lambda a: a.day):
        history[answer.user_id].append(_blocker_text(answer))
    raised = resolved = 0
    latest: dict[str, Blocker | None] = {}
    for answer in sorted(this_week, key=lambda a: a.day):
        text = _blocker_text(answer)
        earlier = history[answer.user_id]
        previous = earlier[-1] if earlier else None
        if text and (previous is None or blocker_streak(text, [previous]) < 2):
            raised += 1
        if previous and not text:
            resolved += 1
        streak = blocker_streak(text, list(reversed(earlier))) if text else 0
        latest[answer.user_id] = (
            Blocker(answer.user_id, answer.user_id, text, streak) if text else None
        )
        earlier.append(text)
    return raised, resolved, [b for b in latest.values() if b is not None]


def _blocker_text(answer: StandupAnswer) -> str | None:
    text = answer_of_kind(answer, Kind.BLOCKERS)
    return text if text and is_blocker(text) else None
