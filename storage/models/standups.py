"""Stand-up tables: teams and their schedule, members, answers, prompts, summaries, days off."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class StandupTeam(SQLModel, table=True):
    """One stand-up: who answers, which questions, when, and where the summary goes.

    Times are "HH:MM" wall-clock strings: prompts in each member's own zone, the summary in
    `timezone`. `weekdays` lists ISO weekday numbers (1 = Monday), comma-separated.
    """

    __tablename__ = "standup_team"
    __table_args__ = (
        UniqueConstraint("workspace_id", "slug"),
        Index("ix_standup_team_channel", "workspace_id", "channel_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    platform: str = Field(max_length=16)
    slug: str = Field(max_length=64)
    name: str = Field(max_length=80)
    channel_id: str = Field(max_length=128)
    questions: str = Field(sa_type=sa.Text)  # JSON list of {"text", "kind", "required"}
    weekdays: str = Field(max_length=20)
    prompt_time: str = Field(max_length=5)
    summary_time: str = Field(max_length=5)
    timezone: str = Field(max_length=64)
    reminder_minutes: int
    style: str = Field(max_length=16)
    # A blocker naming a RACI decision, stuck this many stand-up days, goes to its Accountable
    # person (0: never).
    escalate_after_days: int = Field(default=3, sa_column_kwargs={"server_default": "3"})
    created_by: str = Field(max_length=128)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class StandupMember(SQLModel, table=True):
    __tablename__ = "standup_member"
    __table_args__ = (
        UniqueConstraint("standup_id", "user_id"),
        Index("ix_standup_member_user", "workspace_id", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    standup_id: int = Field(foreign_key="standup_team.id", ondelete="CASCADE")
    user_id: str = Field(max_length=128)
    added_at: datetime = Field(sa_type=UTCDateTime)


class StandupTimezone(SQLModel, table=True):
    """A person's own choice of zone (`/standup tz`), which beats the platform profile."""

    __tablename__ = "standup_timezone"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    user_id: str = Field(max_length=128)
    timezone: str = Field(max_length=64)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class StandupSkip(SQLModel, table=True):
    """A person is away from `first_day` to `last_day` (their local dates, inclusive), in one
    team (`standup_id`, from that team's Skip button) or in all of them (None)."""

    __tablename__ = "standup_skip"
    __table_args__ = (Index("ix_standup_skip_user", "workspace_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    user_id: str = Field(max_length=128)
    standup_id: int | None = Field(default=None)
    first_day: date
    last_day: date
    created_at: datetime = Field(sa_type=UTCDateTime)


class StandupHoliday(SQLModel, table=True):
    __tablename__ = "standup_holiday"
    __table_args__ = (UniqueConstraint("standup_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    standup_id: int = Field(foreign_key="standup_team.id", ondelete="CASCADE")
    day: date
    note: str = Field(default="", max_length=200)
    created_by: str = Field(max_length=128)
    created_at: datetime = Field(sa_type=UTCDateTime)


class StandupAnswer(SQLModel, table=True):
    """One person's answers for one stand-up day; `entries` keeps the questions as asked."""

    __tablename__ = "standup_answer"
    __table_args__ = (
        UniqueConstraint("standup_id", "user_id", "day"),
        Index("ix_standup_answer_day", "standup_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    standup_id: int = Field(foreign_key="standup_team.id", ondelete="CASCADE")
    user_id: str = Field(max_length=128)
    day: date
    entries: str = Field(sa_type=sa.Text)  # JSON list of {"question", "kind", "answer"}
    on_time: bool
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class StandupPrompt(SQLModel, table=True):
    """A prompt or reminder that was sent (`kind`), so neither is ever sent twice."""

    __tablename__ = "standup_prompt"
    __table_args__ = (
        UniqueConstraint("standup_id", "user_id", "day", "kind"),
        Index("ix_standup_prompt_day", "standup_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    standup_id: int = Field(foreign_key="standup_team.id", ondelete="CASCADE")
    user_id: str = Field(max_length=128)
    day: date
    kind: str = Field(max_length=16)
    sent_at: datetime = Field(sa_type=UTCDateTime)


class StandupSummary(SQLModel, table=True):
    """The posted summary of one day, so edits made afterwards can update it in place."""

    __tablename__ = "standup_summary"
    __table_args__ = (UniqueConstraint("standup_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    standup_id: int = Field(foreign_key="standup_team.id", ondelete="CASCADE")
    day: date
    platform: str = Field(max_length=16)
    channel_id: str = Field(max_length=128)
    message_id: str = Field(max_length=128)
    posted_at: datetime = Field(sa_type=UTCDateTime)


class StandupSummaryPost(SQLModel, table=True):
    """One person's answers posted as a reply in a threaded summary."""

    __tablename__ = "standup_summary_post"
    __table_args__ = (UniqueConstraint("summary_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    summary_id: int = Field(foreign_key="standup_summary.id", ondelete="CASCADE")
    user_id: str = Field(max_length=128)
    message_id: str = Field(max_length=128)
