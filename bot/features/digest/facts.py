"""What happened in a team's week: each feature asked through its public functions, the rest
read from storage with bounded queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

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
from bot.features.standups import (
    DecisionEscalations,
    StandupWeek,
    escalations_by_decision,
    standup_week,
)
from bot.features.votes import counted, items_of
from storage.models.digests import DigestSchedule
from storage.models.votes import Poll
from storage.repositories import digests as repo
from storage.repositories import roles as roles_repo
from storage.repositories import standups as standups_repo

WEEK = timedelta(days=7)
WAITING_TOO_LONG = timedelta(days=7)
STUCK_DAYS = 3
# Research no vote uses is flagged while it is recent enough to still matter.
UNUSED_RESEARCH = timedelta(days=90)


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
        standups=tuple([await standup_week(session, t, start, end) for t in teams]),
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
