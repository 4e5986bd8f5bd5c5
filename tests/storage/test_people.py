"""The people directory: upserts that never erase what is known."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from storage.db import Database
from storage.repositories import people

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def test_blank_values_never_erase_known_ones(database: Database) -> None:
    async with database.transaction() as session:
        await people.remember(
            session,
            platform="slack",
            workspace_id="T1",
            user_id="U1",
            display_name="Ada",
            timezone="Europe/Paris",
            now=NOW,
        )
    async with database.transaction() as session:
        await people.remember(
            session,
            platform="slack",
            workspace_id="T1",
            user_id="U1",
            display_name="",
            timezone=None,
            now=NOW,
        )
        found = await people.find(session, "T1", "U1")
    assert found is not None
    assert (found.display_name, found.timezone, found.last_seen_at) == ("Ada", "Europe/Paris", NOW)


async def test_concurrent_first_sightings_do_not_collide(database: Database) -> None:
    async def sight() -> None:
        async with database.transaction() as session:
            await people.remember(
                session,
                platform="slack",
                workspace_id="T1",
                user_id="U2",
                display_name="Bo",
                timezone=None,
                now=NOW,
            )

    await asyncio.gather(*(sight() for _ in range(10)))
    async with database.transaction() as session:
        assert await people.names(session, "T1", {"U2", "U3"}) == {"U2": "Bo", "U3": "U3"}
