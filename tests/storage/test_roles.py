"""RACI storage on SQLite and PostgreSQL: concurrency-safe writes, cascades, team scoping."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.events import Conversation
from storage.db import Database
from storage.models.core import ProductTeam
from storage.repositories import roles as repo
from storage.repositories.product_teams import team_for

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def _team(db: Database, workspace: str = "T1") -> ProductTeam:
    async with db.transaction() as session:
        return await team_for(session, Conversation("slack", workspace, "C1"), NOW)


async def test_default_team_is_made_once_under_concurrency(database: Database) -> None:
    teams = await asyncio.gather(*(_team(database) for _ in range(8)))
    assert len({team.id for team in teams}) == 1


async def test_a_channel_with_its_own_team_gets_that_team_and_others_the_default(
    database: Database,
) -> None:
    default = await _team(database)
    async with database.transaction() as session:
        for slug, channel in (("growth", "C2"), ("checkout", "C3")):
            session.add(
                ProductTeam(
                    workspace_id="T1", slug=slug, name=slug, channel_id=channel, created_at=NOW
                )
            )
    async with database.transaction() as session:
        homed = await team_for(session, Conversation("slack", "T1", "C3"), NOW)
        elsewhere = await team_for(session, Conversation("slack", "T1", "C9"), NOW)
    assert (homed.slug, elsewhere.id) == ("checkout", default.id)


async def test_concurrent_assignments_of_one_person_store_one_row(database: Database) -> None:
    team = await _team(database)

    async def assign() -> bool:
        async with database.transaction() as session:
            role = await repo.ensure_role(session, team, "UX Designer", "ux designer", NOW)
            return await repo.assign(session, role, "U1", "Ana", "U0", NOW)

    results = await asyncio.gather(*(assign() for _ in range(8)))
    assert results.count(True) == 1
    async with database.transaction() as session:
        rows = await repo.load(session, team)
    assert [(a.user_id, a.display_name) for a in rows.assignments] == [("U1", "Ana")]
    assert len(rows.roles) == 1


async def test_deleting_a_role_removes_its_people_and_matrix_cells(database: Database) -> None:
    team = await _team(database)
    async with database.transaction() as session:
        po = await repo.ensure_role(session, team, "Product Owner", "product owner", NOW)
        tl = await repo.ensure_role(session, team, "Tech Lead", "tech lead", NOW)
        await repo.assign(session, tl, "U2", "Ben", "U0", NOW)
        decision = await repo.save_decision(session, team, "Roadmap", "roadmap", ["plan"], NOW)
        assert po.id
        assert tl.id
        await repo.replace_entries(
            session, decision, {po.id: frozenset("AR"), tl.id: frozenset("C")}
        )
    async with database.transaction() as session:
        await repo.delete_role(session, tl)
    async with database.transaction() as session:
        rows = await repo.load(session, team)
    assert [r.name for r in rows.roles] == ["Product Owner"]
    assert rows.assignments == []
    assert sorted(e.letter for e in rows.entries) == ["A", "R"]
    assert rows.decisions[0].aliases == "plan"


async def test_workspaces_never_see_each_others_matrix(database: Database) -> None:
    mine, theirs = await _team(database, "T1"), await _team(database, "T2")
    async with database.transaction() as session:
        await repo.save_decision(session, mine, "Roadmap", "roadmap", [], NOW)
        await repo.log_change(session, mine, "U0", "added Roadmap", NOW)
    async with database.transaction() as session:
        assert (await repo.load(session, theirs)).decisions == []
        assert theirs.id is not None
        assert mine.id is not None
        assert await repo.changes_since(session, theirs.id, NOW) == []
        assert [c.summary for c in await repo.changes_since(session, mine.id, NOW)] == [
            "added Roadmap"
        ]
        assert await repo.roles_by_person(session, mine.id) == {}
