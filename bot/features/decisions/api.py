"""Read-only queries other features build on (the weekly digest, `/raci check` drift).

Every function takes the caller's session and a team id, and returns plain frozen values.
Decisions are named by their key: `decision_key("Pricing & packaging")`, the same folding
the RACI matrix uses, so a renamed-in-case decision still matches.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features.roles import normalise
from storage.models.decisions import DecisionRecord
from storage.repositories import decisions as repo
from storage.repositories import votes as votes_repo

DRIFT_DAYS = 90


def decision_key(name: str) -> str:
    return normalise(name)


@dataclass(frozen=True)
class DecisionMade:
    """A record someone settled: `status` is "ratified", "overridden" or "reopened"."""

    record_id: int
    decision_key: str
    decision_name: str
    question: str
    poll_id: int
    status: str
    decided: str  # what was decided ("" when reopened)
    vote_result: str  # what the vote said, kept beside an override
    reason: str  # an override's reason
    decided_by: str
    decided_by_name: str
    decided_at: datetime
    platform: str
    channel_id: str


@dataclass(frozen=True)
class PendingDecision:
    """A vote on a decision that closed and waits for its Accountable person."""

    record_id: int
    decision_key: str
    decision_name: str
    question: str
    poll_id: int
    accountable_ids: tuple[str, ...]
    voted_at: datetime  # when the vote closed
    age: timedelta

    @property
    def days(self) -> int:
        return self.age.days


def _made(record: DecisionRecord) -> DecisionMade:
    assert record.id is not None
    assert record.decided_at is not None
    return DecisionMade(
        record.id,
        record.decision_key,
        record.decision_name,
        record.question,
        record.poll_id,
        record.status,
        record.decided,
        record.result,
        record.reason,
        record.decided_by or "",
        record.decided_by_name,
        record.decided_at,
        record.platform,
        record.channel_id,
    )


async def decisions_made(
    session: AsyncSession, team_id: int, since: datetime, until: datetime
) -> list[DecisionMade]:
    """Records settled in [since, until) (a digest's week), oldest first."""
    return [_made(r) for r in await repo.settled_between(session, team_id, since, until)]


async def pending_decisions(
    session: AsyncSession, team_id: int, now: datetime
) -> list[PendingDecision]:
    """Voted but not ratified, overridden or reopened yet, oldest first, with their age."""
    found: list[PendingDecision] = []
    for record in await repo.pending(session, team_id):
        assert record.id is not None
        found.append(
            PendingDecision(
                record.id,
                record.decision_key,
                record.decision_name,
                record.question,
                record.poll_id,
                repo.details_of(record).accountable_ids,
                record.created_at,
                now - record.created_at,
            )
        )
    return found


async def who_settles(
    session: AsyncSession, team_id: int, decision_key: str, now: datetime, days: int = DRIFT_DAYS
) -> Counter[str]:
    """user id -> how many of the decision's records they ratified, overrode or reopened
    over the last `days` days (who decides in practice, against the matrix's Accountable)."""
    return await repo.settlers(session, team_id, decision_key, now - timedelta(days=days))


async def who_closes_votes(
    session: AsyncSession, team_id: int, decision_key: str, now: datetime, days: int = DRIFT_DAYS
) -> Counter[str]:
    """user id -> how many votes informing the decision they closed by hand over the last
    `days` days (votes closed at their deadline count for nobody)."""
    polls = await votes_repo.of_team(
        session, team_id, now - timedelta(days=days), decision_key=decision_key
    )
    return Counter(p.closed_by for p in polls if p.closed_by)
