"""Builders for the big records: every required column filled with a plausible value, so a test
names only what it is about (`standup_team(slug="growth", summary_time="11:00")`) and a new
column is added here once, not in every test that stores one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from storage.models.standups import StandupTeam
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
        message_id=message_id,
        created_at=created_at,
        closed_at=closed_at,
    )
