"""Backlog priority polls: the poll, its ballots, and a voted-flag per person.

Ballots carry no voter identity on anonymous polls: a random id, the choice, the voter's role
names at cast time and an owner key derived from a per-poll salt (erased at close) so the voter
can change their ballot while the poll is open. No ballot timestamp, no insertion-ordered id.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Poll(SQLModel, table=True):
    __tablename__ = "vote_poll"
    __table_args__ = (
        Index("ix_vote_poll_channel", "workspace_id", "channel_id", "created_at"),
        Index("ix_vote_poll_due", "closed_at", "deadline"),
        Index("ix_vote_poll_decision", "team_id", "decision_key"),
        UniqueConstraint("series_id", "round"),
        CheckConstraint(
            "method IN ('single', 'multi', 'dot', 'ranked', 'moscow', 'rice')",
            name="vote_poll_method",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    team_id: int = Field(foreign_key="product_team.id", ondelete="CASCADE")
    platform: str = Field(max_length=16)
    channel_id: str = Field(max_length=128)
    thread_id: str | None = Field(default=None, max_length=128)
    creator_id: str = Field(max_length=128)
    question: str = Field(max_length=300)
    method: str = Field(max_length=16)
    items: str = Field(sa_type=sa.Text)  # JSON list of item labels, in the order given
    anonymous: bool = False
    hide_results: bool = False
    allowed_voters: str = Field(default="", sa_type=sa.Text)  # JSON list; empty = the channel
    max_choices: int = 1
    dots: int = 0
    ballot_salt: str = Field(default="", max_length=64)  # anonymous polls; erased at close
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    timezone: str = Field(default="UTC", max_length=64)
    message_id: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = Field(default=None, max_length=128)  # None: closed at the deadline
    # The RACI decision the vote informs (its normalised key and name), or empty.
    decision_key: str = Field(default="", max_length=200)
    decision_name: str = Field(default="", max_length=200)
    allow_additions: bool = False  # voters may add options (single, multi, dot only)
    series_id: int | None = Field(
        default=None, foreign_key="vote_series.id", ondelete="SET NULL", index=True
    )
    round: int | None = None  # the round of a recurring vote


class VoteSeries(SQLModel, table=True):
    """A recurring vote: the poll settings every round copies, and when rounds open.

    `source` is the import a round's items come from ("github acme/app bug"); empty means
    the same items every round. `open_seconds` is how long a round stays open (None: until
    the next round opens).
    """

    __tablename__ = "vote_series"
    __table_args__ = (
        CheckConstraint("cadence IN ('weekly', 'monthly')", name="vote_series_cadence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    team_id: int = Field(foreign_key="product_team.id", ondelete="CASCADE")
    platform: str = Field(max_length=16)
    channel_id: str = Field(max_length=128)
    thread_id: str | None = Field(default=None, max_length=128)
    creator_id: str = Field(max_length=128)
    question: str = Field(max_length=300)
    method: str = Field(max_length=16)
    items: str = Field(sa_type=sa.Text)
    source: str = Field(default="", sa_type=sa.Text)
    anonymous: bool = False
    hide_results: bool = False
    allowed_voters: str = Field(default="", sa_type=sa.Text)
    max_choices: int = 1
    dots: int = 0
    allow_additions: bool = False
    decision_key: str = Field(default="", max_length=200)
    decision_name: str = Field(default="", max_length=200)
    cadence: str = Field(max_length=8)
    open_seconds: int | None = None
    timezone: str = Field(default="UTC", max_length=64)
    starts_at: datetime = Field(sa_type=UTCDateTime)  # when round 1 opened
    created_at: datetime = Field(sa_type=UTCDateTime)
    stopped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Ballot(SQLModel, table=True):
    """One ballot per owner key; `voter_id` is empty on anonymous polls."""

    __tablename__ = "vote_ballot"
    __table_args__ = (
        UniqueConstraint("poll_id", "owner_key"),
        {"sqlite_with_rowid": False},  # no hidden insertion-ordered rowid on SQLite
    )

    id: str = Field(primary_key=True, max_length=32)  # random, never sequential
    poll_id: int = Field(foreign_key="vote_poll.id", ondelete="CASCADE")
    owner_key: str = Field(max_length=128)
    voter_id: str | None = Field(default=None, max_length=128)
    roles: str = Field(default="", sa_type=sa.Text)  # JSON list, anonymous polls only
    choice: str = Field(sa_type=sa.Text)  # JSON, shape depends on the method


class PollVoter(SQLModel, table=True):
    """Who has voted (for turnout and one-ballot-per-person), never what they chose."""

    __tablename__ = "vote_voter"
    __table_args__ = ({"sqlite_with_rowid": False},)

    poll_id: int = Field(foreign_key="vote_poll.id", ondelete="CASCADE", primary_key=True)
    user_id: str = Field(max_length=128, primary_key=True)
    workspace_id: str = Field(max_length=64)


class RetiredPollId(SQLModel, table=True):
    """Ids of deleted polls. SQLite hands out max(id) + 1, so without these a deleted newest
    vote's number would come back for the next one, and old links would point at it."""

    __tablename__ = "vote_retired_id"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})


class AddedOption(SQLModel, table=True):
    """An item a voter added to an open poll (it is also appended to `Poll.items`, which the
    tallies read). The key, the label case-folded, is unique per poll: a replayed or concurrent
    addition of the same item stores nothing twice. `added_by` is empty on anonymous polls."""

    __tablename__ = "vote_added_option"

    poll_id: int = Field(foreign_key="vote_poll.id", ondelete="CASCADE", primary_key=True)
    key: str = Field(max_length=600, primary_key=True)
    label: str = Field(max_length=150)
    position: int  # the item's index in Poll.items
    added_by: str = Field(default="", max_length=128)
