"""Decision records: what a vote informing a RACI decision led to, and who decided it.

A record is written when such a vote closes (status `pending`) and settled once by the
decision's Accountable person (or an admin): `ratified`, `overridden` (with what was decided
instead and why) or `reopened` (the vote runs again; its next close writes a new record).
The vote's result, its split by role and the linked insights are copied in, so a record
still reads the same after the vote or the matrix changes.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

PENDING, RATIFIED, OVERRIDDEN, REOPENED = "pending", "ratified", "overridden", "reopened"


class DecisionRecord(SQLModel, table=True):
    __tablename__ = "decision_record"
    __table_args__ = (
        Index("ix_decision_record_team_decision", "team_id", "decision_key", "created_at"),
        Index("ix_decision_record_team_status", "team_id", "status"),
        Index("ix_decision_record_poll", "poll_id"),
        CheckConstraint(
            "status IN ('pending', 'ratified', 'overridden', 'reopened')",
            name="decision_record_status",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    team_id: int = Field(foreign_key="product_team.id", ondelete="CASCADE")
    poll_id: int  # no foreign key: a record outlives a deleted vote
    decision_key: str = Field(max_length=200)
    decision_name: str = Field(max_length=200)
    question: str = Field(max_length=300)
    platform: str = Field(max_length=16)
    channel_id: str = Field(max_length=128)
    thread_id: str | None = Field(default=None, max_length=128)
    result: str = Field(sa_type=sa.Text)  # the vote's outcome in words ("Winner: Search")
    by_role: str = Field(default="[]", sa_type=sa.Text)  # JSON [[role, voters, top items]]
    insights: str = Field(default="[]", sa_type=sa.Text)  # JSON [[id, title, confidence]]
    unheard: str = Field(default="[]", sa_type=sa.Text)  # JSON [[role, name]]: C who didn't vote
    accountable_ids: str = Field(default="[]", sa_type=sa.Text)  # JSON: who was asked
    status: str = Field(default=PENDING, max_length=16)
    decided: str = Field(default="", max_length=500)  # what was decided (override: instead)
    reason: str = Field(default="", max_length=1000)  # an override's reason
    decided_by: str | None = Field(default=None, max_length=128)
    decided_by_name: str = Field(default="", max_length=200)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
