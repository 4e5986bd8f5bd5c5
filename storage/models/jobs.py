"""Claims that make each scheduled run happen once, whichever replica gets there first."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class JobClaim(SQLModel, table=True):
    """`key` names one run (job, subject, period); the unique key makes the claim succeed once.

    A claim whose lease ran out before `done_at` was set belongs to a crashed run: another
    replica may take it over.
    """

    __tablename__ = "job_claim"

    key: str = Field(primary_key=True, max_length=255)
    owner: str = Field(max_length=128)
    claimed_at: datetime = Field(sa_type=UTCDateTime)
    lease_until: datetime = Field(sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
