"""Forms open in Teams dialogs: kept here so the card carries only an opaque reference."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class TeamsDialog(SQLModel, table=True):
    """One form offered to one person. `form` is the form as JSON; `values` what they typed on
    earlier pages of a form too big for one dialog page; `page` the page they are on."""

    __tablename__ = "teams_dialog"
    __table_args__ = (Index("ix_teams_dialog_created", "created_at"),)

    token: str = Field(primary_key=True, max_length=64)
    workspace_id: str = Field(max_length=64)
    user_id: str = Field(max_length=128)
    form: str = Field(sa_type=Text)
    values: str = Field(default="{}", sa_type=Text)
    page: int = 0
    created_at: datetime = Field(sa_type=UTCDateTime)
