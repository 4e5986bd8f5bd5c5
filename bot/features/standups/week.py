"""A team's stand-up week in numbers, for the weekly digest: who answered against who was
due (people away are not due), and blockers raised, resolved and still open."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features.standups.participation import PersonDay, participation
from bot.features.standups.questions import Kind
from bot.features.standups.service import answer_of_kind, is_skipping
from bot.features.standups.summary import blocker_streak, is_blocker
from storage.models.standups import StandupAnswer, StandupTeam
from storage.repositories import people
from storage.repositories import standups as standups_repo

WEEK = timedelta(days=7)


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


async def standup_week(
    session: AsyncSession, team: StandupTeam, start: datetime, end: datetime
) -> StandupWeek:
    """One team's week [start, end) beside the week before it (for the trend)."""
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
