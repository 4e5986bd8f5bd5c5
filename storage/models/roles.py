"""RACI matrix tables: roles, who holds them, decisions, and R/A/C/I per decision and role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Role(SQLModel, table=True):
    __tablename__ = "role"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    team_id: int = Field(foreign_key="product_team.id", ondelete="CASCADE")
    name: str = Field(max_length=80)
    key: str = Field(max_length=80)
    created_at: datetime = Field(sa_type=UTCDateTime)


class RoleAssignment(SQLModel, table=True):
    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("role_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    team_id: int = Field(foreign_key="product_team.id", ondelete="CASCADE", index=True)
    role_id: int = Field(foreign_key="role.id", ondelete="CASCADE")
    user_id: str = Field(max_length=128)
    display_name: str = Field(default="", max_length=200)
    assigned_by: str = Field(max_length=128)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Decision(SQLModel, table=True):
    """A decision or activity someone must own, e.g. "Backlog ordering & prioritisation"."""

    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    team_id: int = Field(foreign_key="product_team.id", ondelete="CASCADE")
    name: str = Field(max_length=200)
    key: str = Field(max_length=200)
    aliases: str = Field(default="", max_length=2000)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class RaciEntry(SQLModel, table=True):
    __tablename__ = "raci_entry"
    __table_args__ = (
        UniqueConstraint("decision_id", "role_id", "letter"),
        CheckConstraint("letter IN ('R', 'A', 'C', 'I')", name="raci_letter"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    decision_id: int = Field(foreign_key="decision.id", ondelete="CASCADE")
    role_id: int = Field(foreign_key="role.id", ondelete="CASCADE", index=True)
    letter: str = Field(max_length=1)


class RaciChange(SQLModel, table=True):
    """An audit line per change to roles or the matrix; the weekly digest reports them."""

    __tablename__ = "raci_change"
    __table_args__ = (Index("ix_raci_change_team_created", "team_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    team_id: int = Field(foreign_key="product_team.id", ondelete="CASCADE")
    actor_id: str = Field(max_length=128)
    summary: str = Field(max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)
