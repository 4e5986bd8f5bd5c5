"""Insight rows for the storage tests: one workspace, one moment, a filled-in insight."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.db import Database
from storage.models.core import ProductTeam
from storage.repositories import insights as repo
from storage.repositories.insights import AudienceEntry, InsightContent
from storage.repositories.product_teams import default_team

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WS = "T1"


def content(**overrides: object) -> InsightContent:
    """An insight on onboarding with two items (one the other's spelling), shared to #leads."""
    values: dict[str, object] = {
        "title": "Email step loses users",
        "finding": "7 of 12 stopped at email confirmation.",
        "method": "interview",
        "confidence": "high",
        "participants": 12,
        "tags": ["onboarding", "checkout"],
        "items": ["Magic-link sign-in", "magic-link   SIGN-IN", "Skip email"],
        "audience": [AudienceEntry("slack", "channel", "C9", "leads")],
    }
    values.update(overrides)
    return InsightContent(**values)  # type: ignore[arg-type]


async def new_insight(db: Database, team_id: int, **overrides: object) -> int:
    """Stored by Rita at NOW; its id."""
    async with db.transaction() as session:
        insight = await repo.create(
            session,
            workspace_id=WS,
            team_id=team_id,
            platform="slack",
            author_id="UA",
            author_name="Rita",
            content=content(**overrides),
            now=NOW,
        )
        assert insight.id is not None
        return insight.id


async def team(db: Database, slug: str = "default") -> int:
    """The workspace's default team, or a new one with this slug; its id."""
    async with db.transaction() as session:
        if slug == "default":
            found = await default_team(session, WS, NOW)
        else:
            found = ProductTeam(workspace_id=WS, slug=slug, name=slug, created_at=NOW)
            session.add(found)
            await session.flush()
        assert found.id is not None
        return found.id
