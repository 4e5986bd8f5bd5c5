"""A stamp per workspace that changes with every change to its teams, roles, role holders or
RACI matrix, so every replica can tell with one read whether what it cached is still true."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class RosterStamp(SQLModel, table=True):
    __tablename__ = "roster_stamp"

    workspace_id: str = Field(primary_key=True, max_length=64)
    stamp: int = Field(sa_type=BigInteger)
