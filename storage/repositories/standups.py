"""Stand-up storage: teams and members, zones, days off, answers, prompts and summaries."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.core import Person
from storage.models.standups import (
    StandupAnswer,
    StandupHoliday,
    StandupMember,
    StandupPrompt,
    StandupSkip,
    StandupSummary,
    StandupSummaryPost,
    StandupTeam,
    StandupTimezone,
)
from storage.upsert import insert_for

# JSON columns: encoded and decoded only here --------------------------------------------------


class QuestionFields(Protocol):
    """A stand-up question as the feature holds it (`kind` names what it is for)."""

    @property
    def text(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def required(self) -> bool: ...


class EntryFields(Protocol):
    """One answer in a person's stand-up, with the question as it was asked."""

    @property
    def question(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def answer(self) -> str: ...


@dataclass(frozen=True)
class StoredQuestion:
    """A team's question as stored (`questions_of`, the one place the column is read)."""

    text: str
    kind: str
    required: bool


@dataclass(frozen=True)
class StoredEntry:
    """An answer as stored (`entries_of`, the one place the column is read)."""

    question: str
    kind: str
    answer: str


def questions_column(questions: Sequence[QuestionFields]) -> str:
    return json.dumps([{"text": q.text, "kind": q.kind, "required": q.required} for q in questions])


def questions_of(team: StandupTeam) -> tuple[StoredQuestion, ...]:
    items: list[dict[str, Any]] = json.loads(team.questions)
    return tuple(
        StoredQuestion(item["text"], item["kind"], bool(item["required"])) for item in items
    )


def entries_column(entries: Sequence[EntryFields]) -> str:
    return json.dumps(
        [{"question": e.question, "kind": e.kind, "answer": e.answer} for e in entries]
    )


def entries_of(answer: StandupAnswer) -> tuple[StoredEntry, ...]:
    items: list[dict[str, str]] = json.loads(answer.entries)
    return tuple(StoredEntry(item["question"], item["kind"], item["answer"]) for item in items)


# Teams --------------------------------------------------------------------------------------


async def team_by_id(session: AsyncSession, team_id: int) -> StandupTeam | None:
    return await session.get(StandupTeam, team_id)


async def team_by_slug(session: AsyncSession, workspace_id: str, slug: str) -> StandupTeam | None:
    statement = select(StandupTeam).where(
        StandupTeam.workspace_id == workspace_id, StandupTeam.slug == slug
    )
    return (await session.exec(statement)).first()


async def teams_in_channel(
    session: AsyncSession, workspace_id: str, channel_id: str
) -> list[StandupTeam]:
    statement = (
        select(StandupTeam)
        .where(StandupTeam.workspace_id == workspace_id, StandupTeam.channel_id == channel_id)
        .order_by(col(StandupTeam.slug))
    )
    return list((await session.exec(statement)).all())


async def teams_of_member(
    session: AsyncSession, workspace_id: str, user_id: str
) -> list[StandupTeam]:
    statement = (
        select(StandupTeam)
        .join(StandupMember, col(StandupMember.standup_id) == col(StandupTeam.id))
        .where(StandupMember.workspace_id == workspace_id, StandupMember.user_id == user_id)
        .order_by(col(StandupTeam.slug))
    )
    return list((await session.exec(statement)).all())


async def workspace_teams(session: AsyncSession, workspace_id: str) -> list[StandupTeam]:
    statement = (
        select(StandupTeam)
        .where(StandupTeam.workspace_id == workspace_id)
        .order_by(col(StandupTeam.slug))
    )
    return list((await session.exec(statement)).all())


async def all_teams(session: AsyncSession) -> list[StandupTeam]:
    """Every stand-up in every workspace: what the scheduler walks through."""
    statement = select(StandupTeam).order_by(col(StandupTeam.id))
    return list((await session.exec(statement)).all())


async def save_team(
    session: AsyncSession, team: StandupTeam, member_ids: Collection[str], now: datetime
) -> StandupTeam:
    """Creates or updates the team and sets its members to exactly `member_ids`."""
    session.add(team)
    await session.flush()
    assert team.id is not None
    current = await members(session, team.id)
    keep = set(member_ids)
    for member in current:
        if member.user_id not in keep:
            await session.delete(member)
    existing = {member.user_id for member in current}
    for user_id in sorted(keep - existing):
        session.add(
            StandupMember(
                workspace_id=team.workspace_id, standup_id=team.id, user_id=user_id, added_at=now
            )
        )
    await session.flush()
    return team


async def delete_team(session: AsyncSession, team: StandupTeam) -> None:
    await session.delete(team)


async def members(session: AsyncSession, team_id: int) -> list[StandupMember]:
    statement = (
        select(StandupMember)
        .where(StandupMember.standup_id == team_id)
        .order_by(col(StandupMember.user_id))
    )
    return list((await session.exec(statement)).all())


async def members_of(session: AsyncSession, team_ids: Collection[int]) -> dict[int, list[str]]:
    """team id -> member user ids, for many teams in one query."""
    by_team: dict[int, list[str]] = defaultdict(list)
    if not team_ids:
        return by_team
    statement = (
        select(StandupMember.standup_id, StandupMember.user_id)
        .where(col(StandupMember.standup_id).in_(team_ids))
        .order_by(col(StandupMember.user_id))
    )
    for team_id, user_id in (await session.exec(statement)).all():
        by_team[team_id].append(user_id)
    return by_team


# Time zones ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zones:
    """A person's own choice (`chosen`) and what their platform profile says (`profile`)."""

    chosen: str | None
    profile: str | None


async def set_timezone(
    session: AsyncSession, workspace_id: str, user_id: str, timezone: str, now: datetime
) -> None:
    statement = insert_for(session, StandupTimezone).values(
        workspace_id=workspace_id, user_id=user_id, timezone=timezone, updated_at=now
    )
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["workspace_id", "user_id"],
            set_={"timezone": timezone, "updated_at": now},
        )
    )


async def clear_timezone(session: AsyncSession, workspace_id: str, user_id: str) -> bool:
    statement = delete(StandupTimezone).where(
        col(StandupTimezone.workspace_id) == workspace_id,
        col(StandupTimezone.user_id) == user_id,
    )
    result: Any = await session.exec(statement)
    return bool(result.rowcount)


async def zones(
    session: AsyncSession, workspace_id: str, user_ids: Collection[str]
) -> dict[str, Zones]:
    """Every asked-for person's chosen and profile zones (None where unknown)."""
    if not user_ids:
        return {}
    chosen_rows = await session.exec(
        select(StandupTimezone.user_id, StandupTimezone.timezone).where(
            StandupTimezone.workspace_id == workspace_id,
            col(StandupTimezone.user_id).in_(user_ids),
        )
    )
    chosen = dict(chosen_rows.all())
    profile_rows = await session.exec(
        select(Person.user_id, Person.timezone).where(
            Person.workspace_id == workspace_id, col(Person.user_id).in_(user_ids)
        )
    )
    profile = dict(profile_rows.all())
    return {uid: Zones(chosen.get(uid), profile.get(uid)) for uid in user_ids}


# Skips and holidays -------------------------------------------------------------------------


async def add_skip(
    session: AsyncSession,
    workspace_id: str,
    user_id: str,
    first_day: date,
    last_day: date,
    now: datetime,
    *,
    team_id: int | None = None,
) -> None:
    """Days away in one team (`team_id`) or, when None, in every team."""
    session.add(
        StandupSkip(
            workspace_id=workspace_id,
            user_id=user_id,
            standup_id=team_id,
            first_day=first_day,
            last_day=last_day,
            created_at=now,
        )
    )
    await session.flush()


async def clear_skips(session: AsyncSession, workspace_id: str, user_id: str, today: date) -> int:
    """Ends the person's days off from today on; days already past stay, for the stats."""
    current = (await skips(session, workspace_id, [user_id], today, date.max)).get(user_id, [])
    for skip in current:
        if skip.first_day < today:
            skip.last_day = today - timedelta(days=1)
            session.add(skip)
        else:
            await session.delete(skip)
    await session.flush()
    return len(current)


async def skips(
    session: AsyncSession,
    workspace_id: str,
    user_ids: Collection[str],
    first_day: date,
    last_day: date,
    *,
    team_id: int | None = None,
) -> dict[str, list[StandupSkip]]:
    """Each person's days off overlapping [first_day, last_day]: in team `team_id` (days off
    everywhere included), or of any kind when `team_id` is None."""
    by_user: dict[str, list[StandupSkip]] = defaultdict(list)
    if not user_ids:
        return by_user
    statement = (
        select(StandupSkip)
        .where(
            StandupSkip.workspace_id == workspace_id,
            col(StandupSkip.user_id).in_(user_ids),
            col(StandupSkip.first_day) <= last_day,
            col(StandupSkip.last_day) >= first_day,
        )
        .order_by(col(StandupSkip.first_day))
    )
    if team_id is not None:
        statement = statement.where(
            or_(col(StandupSkip.standup_id).is_(None), col(StandupSkip.standup_id) == team_id)
        )
    for skip in (await session.exec(statement)).all():
        by_user[skip.user_id].append(skip)
    return by_user


async def add_holiday(
    session: AsyncSession, team: StandupTeam, day: date, note: str, actor: str, now: datetime
) -> bool:
    """False when the day already was a holiday."""
    statement = insert_for(session, StandupHoliday).values(
        workspace_id=team.workspace_id,
        standup_id=team.id,
        day=day,
        note=note,
        created_by=actor,
        created_at=now,
    )
    result: Any = await session.exec(
        statement.on_conflict_do_nothing(index_elements=["standup_id", "day"])
    )
    return bool(result.rowcount == 1)


async def remove_holiday(session: AsyncSession, team_id: int, day: date) -> bool:
    statement = delete(StandupHoliday).where(
        col(StandupHoliday.standup_id) == team_id, col(StandupHoliday.day) == day
    )
    result: Any = await session.exec(statement)
    return bool(result.rowcount)


async def holidays(
    session: AsyncSession, team_id: int, first_day: date, last_day: date
) -> list[StandupHoliday]:
    statement = (
        select(StandupHoliday)
        .where(
            StandupHoliday.standup_id == team_id,
            col(StandupHoliday.day) >= first_day,
            col(StandupHoliday.day) <= last_day,
        )
        .order_by(col(StandupHoliday.day))
    )
    return list((await session.exec(statement)).all())


# Answers ------------------------------------------------------------------------------------


async def save_answer(
    session: AsyncSession,
    team: StandupTeam,
    user_id: str,
    day: date,
    answers: Sequence[EntryFields],
    on_time: bool,
    now: datetime,
) -> None:
    """Stores or replaces the person's answer for the day; the first `on_time` verdict stays."""
    entries = entries_column(answers)
    statement = insert_for(session, StandupAnswer).values(
        workspace_id=team.workspace_id,
        standup_id=team.id,
        user_id=user_id,
        day=day,
        entries=entries,
        on_time=on_time,
        submitted_at=now,
        updated_at=now,
    )
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["standup_id", "user_id", "day"],
            set_={"entries": entries, "updated_at": now},
        )
    )


async def answer_for(
    session: AsyncSession, team_id: int, user_id: str, day: date
) -> StandupAnswer | None:
    statement = select(StandupAnswer).where(
        StandupAnswer.standup_id == team_id,
        StandupAnswer.user_id == user_id,
        StandupAnswer.day == day,
    )
    return (await session.exec(statement)).first()


async def latest_before(
    session: AsyncSession, team_id: int, user_id: str, day: date
) -> StandupAnswer | None:
    statement = (
        select(StandupAnswer)
        .where(
            StandupAnswer.standup_id == team_id,
            StandupAnswer.user_id == user_id,
            col(StandupAnswer.day) < day,
        )
        .order_by(col(StandupAnswer.day).desc())
        .limit(1)
    )
    return (await session.exec(statement)).first()


async def answers_between(
    session: AsyncSession,
    team_id: int,
    first_day: date,
    last_day: date,
    user_ids: Sequence[str] | None = None,
) -> list[StandupAnswer]:
    """Answers in [first_day, last_day], oldest day first, optionally for some people only."""
    statement = select(StandupAnswer).where(
        StandupAnswer.standup_id == team_id,
        col(StandupAnswer.day) >= first_day,
        col(StandupAnswer.day) <= last_day,
    )
    if user_ids is not None:
        statement = statement.where(col(StandupAnswer.user_id).in_(user_ids))
    statement = statement.order_by(col(StandupAnswer.day), col(StandupAnswer.user_id))
    return list((await session.exec(statement)).all())


# Prompts ------------------------------------------------------------------------------------


async def sent_prompts(
    session: AsyncSession, team_id: int, days: Collection[date]
) -> dict[tuple[str, date, str], datetime]:
    """(user id, day, kind) -> when it was sent, for every prompt and reminder on those days."""
    if not days:
        return {}
    statement = select(
        col(StandupPrompt.user_id),
        col(StandupPrompt.day),
        col(StandupPrompt.kind),
        col(StandupPrompt.sent_at),
    ).where(StandupPrompt.standup_id == team_id, col(StandupPrompt.day).in_(days))
    rows = (await session.exec(statement)).all()
    return {(user_id, day, kind): sent_at for user_id, day, kind, sent_at in rows}


async def answered(
    session: AsyncSession, team_id: int, days: Collection[date]
) -> set[tuple[str, date]]:
    if not days:
        return set()
    statement = select(col(StandupAnswer.user_id), col(StandupAnswer.day)).where(
        StandupAnswer.standup_id == team_id, col(StandupAnswer.day).in_(days)
    )
    return {(user_id, day) for user_id, day in (await session.exec(statement)).all()}


async def record_prompts(
    session: AsyncSession,
    workspace_id: str,
    team_id: int,
    sent: Collection[tuple[str, date, str]],
    now: datetime,
) -> None:
    """Remembers (user id, day, kind) prompts as sent, in one statement; repeats are ignored."""
    if not sent:
        return
    rows = [
        {
            "workspace_id": workspace_id,
            "standup_id": team_id,
            "user_id": user_id,
            "day": day,
            "kind": kind,
            "sent_at": now,
        }
        for user_id, day, kind in sent
    ]
    statement = insert_for(session, StandupPrompt).values(rows)
    await session.exec(
        statement.on_conflict_do_nothing(index_elements=["standup_id", "user_id", "day", "kind"])
    )


# Claims in bulk -----------------------------------------------------------------------------


# Summaries ----------------------------------------------------------------------------------


async def summary_for(session: AsyncSession, team_id: int, day: date) -> StandupSummary | None:
    statement = select(StandupSummary).where(
        StandupSummary.standup_id == team_id, StandupSummary.day == day
    )
    return (await session.exec(statement)).first()


async def record_summary(
    session: AsyncSession,
    team: StandupTeam,
    day: date,
    platform: str,
    channel_id: str,
    message_id: str,
    now: datetime,
) -> StandupSummary:
    summary = StandupSummary(
        workspace_id=team.workspace_id,
        standup_id=team.id,  # type: ignore[arg-type]
        day=day,
        platform=platform,
        channel_id=channel_id,
        message_id=message_id,
        posted_at=now,
    )
    session.add(summary)
    await session.flush()
    return summary


async def summary_posts(session: AsyncSession, summary_id: int) -> dict[str, str]:
    """user id -> message id of that person's reply in a threaded summary."""
    statement = select(StandupSummaryPost.user_id, StandupSummaryPost.message_id).where(
        StandupSummaryPost.summary_id == summary_id
    )
    return dict((await session.exec(statement)).all())


async def record_summary_post(
    session: AsyncSession, summary: StandupSummary, user_id: str, message_id: str
) -> None:
    statement = insert_for(session, StandupSummaryPost).values(
        workspace_id=summary.workspace_id,
        summary_id=summary.id,
        user_id=user_id,
        message_id=message_id,
    )
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["summary_id", "user_id"], set_={"message_id": message_id}
        )
    )
