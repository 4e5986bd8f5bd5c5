"""Stand-up blockers escalated to the Accountable person of the decision they name."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

OPEN = "open"
UNBLOCKING = "unblocking"  # the Accountable person said "I'll unblock"
NOT_MINE = "not_mine"  # they said it is not theirs, suggesting a role
RESOLVED = "resolved"

BY_BUTTON = "button"  # Resolved pressed by the Accountable person (or an admin)
BY_STANDUP = "standup"  # the raiser's blocker no longer names the decision


class BlockerEscalation(SQLModel, table=True):
    """One stuck blocker that named a decision, DMed once to that decision's Accountable.

    Unique per (stand-up, raiser, decision, first day of the streak): whichever replica runs
    the day's summary inserts it, and the DM is queued in the same transaction, so it goes out
    exactly once. `team_id` is the product team whose RACI matrix named the decision.
    """

    __tablename__ = "blocker_escalation"
    __table_args__ = (
        UniqueConstraint("standup_id", "user_id", "decision_key", "started_on"),
        Index("ix_blocker_escalation_team", "team_id", "escalated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    platform: str = Field(max_length=16)
    standup_id: int = Field(foreign_key="standup_team.id", ondelete="CASCADE")
    team_id: int
    user_id: str = Field(max_length=128)
    blocker: str = Field(sa_type=sa.Text)
    decision: str = Field(max_length=200)
    decision_key: str = Field(max_length=200)
    accountable_role: str = Field(max_length=80)
    owner_ids: str = Field(sa_type=sa.Text)  # the Accountable role's holders, one per line
    started_on: date
    escalated_on: date
    escalated_at: datetime = Field(sa_type=UTCDateTime)
    state: str = Field(default=OPEN, max_length=16)
    answered_by: str = Field(default="", max_length=128)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    suggested_role: str = Field(default="", max_length=80)
    resolved_by: str = Field(default="", max_length=128)
    resolved_via: str = Field(default="", max_length=16)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(line for line in self.owner_ids.split("\n") if line)
