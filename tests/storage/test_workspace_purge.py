"""Purging a workspace deletes its rows from every table, children first (rows without a
workspace column, such as anonymous ballots, through their parent), and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text as sql

from storage.db import Database
from storage.models.core import Person, ProductTeam
from storage.models.votes import Ballot
from storage.repositories import workspaces
from tests.support import builders

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def seed(db: Database, workspace: str) -> None:
    async with db.transaction() as session:
        team = ProductTeam(workspace_id=workspace, slug="p", name="P", created_at=NOW)
        session.add(team)
        session.add(
            Person(workspace_id=workspace, platform="slack", user_id="U1", last_seen_at=NOW)
        )
        await session.flush()
        assert team.id is not None
        poll = builders.poll(team.id, workspace_id=workspace, question="Which?", created_at=NOW)
        session.add(poll)
        await session.flush()
        assert poll.id is not None
        session.add(Ballot(id=f"b-{workspace}", poll_id=poll.id, owner_key="k", choice="[]"))


async def count(db: Database, table: str) -> int:
    async with db.engine.connect() as connection:
        return int((await connection.execute(sql(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_purge_removes_one_workspace_and_keeps_the_other(database: Database) -> None:
    await seed(database, "T1")
    await seed(database, "T2")

    async with database.transaction() as session:
        deleted = await workspaces.purge(session, ["T1"])

    assert deleted == {
        "vote_ballot": 1,
        "vote_poll": 1,
        "person": 1,
        "product_team": 1,
    }
    for table in ("vote_ballot", "vote_poll", "person", "product_team"):
        assert await count(database, table) == 1
