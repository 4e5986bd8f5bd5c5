"""Builders for the big records: every required column filled with a plausible value, so a test
names only what it is about (`standup_team(slug="growth", summary_time="11:00")`) and a new
column is added here once, not in every test that stores one."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from bot.features.decisions import decision_key
from storage.models.decisions import PENDING, DecisionRecord
from storage.models.standups import StandupAnswer, StandupTeam
from storage.models.votes import Poll

WHEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday morning


def standup_team(
    *,
    workspace_id: str = "W1",
    platform: str = "local",
    slug: str = "design",
    name: str = "",
    channel_id: str = "C1",
    questions: str = "[]",
    weekdays: str = "1,2,3,4,5",
    prompt_time: str = "09:30",
    summary_time: str = "16:00",
    timezone: str = "Europe/Berlin",
    reminder_minutes: int = 60,
    style: str = "threaded",
    escalate_after_days: int = 3,
    created_by: str = "U1",
    created_at: datetime = WHEN,
) -> StandupTeam:
    """An unsaved weekday stand-up; its name is the slug's title unless given."""
    return StandupTeam(
        workspace_id=workspace_id,
        platform=platform,
        slug=slug,
        name=name or slug.title(),
        channel_id=channel_id,
        questions=questions,
        weekdays=weekdays,
        prompt_time=prompt_time,
        summary_time=summary_time,
        timezone=timezone,
        reminder_minutes=reminder_minutes,
        style=style,
        escalate_after_days=escalate_after_days,
        created_by=created_by,
        created_at=created_at,
        updated_at=created_at,
    )


def poll(
    team_id: int,
    *,
    workspace_id: str = "W1",
    platform: str = "slack",
    channel_id: str = "C1",
    creator_id: str = "U1",
    question: str = "Which next?",
    method: str = "single",
    items: Sequence[str] = (),
    max_choices: int = 1,
    dots: int = 0,
    message_id: str | None = None,
    created_at: datetime = WHEN,
    closed_at: datetime | None = None,
) -> Poll:
    """An unsaved open vote (closed when `closed_at` is given) in the team's channel."""
    return Poll(
        workspace_id=workspace_id,
        team_id=team_id,
        platform=platform,
        channel_id=channel_id,
        creator_id=creator_id,
        question=question,
        method=method,
        items=json.dumps(list(items)),
        max_choices=max_choices,
        dots=dots,
        message_id=message_id,
        created_at=created_at,
        closed_at=closed_at,
    )


def standup_answer(
    standup_id: int,
    user_id: str,
    day: date,
    *,
    entries: Sequence[Mapping[str, str]] = (),
    workspace_id: str = "W1",
    on_time: bool = True,
    submitted_at: datetime = WHEN,
) -> StandupAnswer:
    """An unsaved answer for one stand-up day; `entries` as {"question", "kind", "answer"}."""
    return StandupAnswer(
        workspace_id=workspace_id,
        standup_id=standup_id,
        user_id=user_id,
        day=day,
        entries=json.dumps(list(entries)),
        on_time=on_time,
        submitted_at=submitted_at,
        updated_at=submitted_at,
    )


def decision_record(
    team_id: int,
    poll_id: int,
    *,
    decision_name: str = "Pricing & packaging",
    workspace_id: str = "W1",
    platform: str = "local",
    channel_id: str = "C1",
    question: str = "Which plan?",
    result: str = "Winner: Usage-based",
    status: str = PENDING,
    decided: str = "",
    decided_by: str | None = None,
    decided_by_name: str = "",
    decided_at: datetime | None = None,
    created_at: datetime = WHEN,
) -> DecisionRecord:
    """An unsaved record of a closed vote on a named decision, keyed as the feature keys it."""
    return DecisionRecord(
        workspace_id=workspace_id,
        team_id=team_id,
        poll_id=poll_id,
        decision_key=decision_key(decision_name),
        decision_name=decision_name,
        question=question,
        platform=platform,
        channel_id=channel_id,
        result=result,
        status=status,
        decided=decided,
        decided_by=decided_by,
        decided_by_name=decided_by_name,
        decided_at=decided_at,
        created_at=created_at,
    )
