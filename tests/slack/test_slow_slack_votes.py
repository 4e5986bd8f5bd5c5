"""Slack answers slower than SQLite waits for its write lock while votes open and close:
ballots cast meanwhile are all stored, because no transaction waits for Slack.

The real case is 35 s (or a 429 waited out) against a 10 s busy timeout; here the database
gives up after 2 s and Slack takes 3 s, which proves the same without a long test.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, func, select

from bot.feature import Feature
from storage.db import Database
from storage.models.votes import Ballot, Poll
from tests.slack.harness import SlackHarness, initial_values

BUSY_TIMEOUT = 2.0
SLACK_DELAY = 3.0
VOTERS = [f"UV{n:02d}" for n in range(20)]


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every feature, as in production


@pytest.fixture
async def sqlite_db(tmp_path: Path, migrated_sqlite: Path) -> AsyncIterator[Database]:
    path = tmp_path / "slow-slack.db"
    shutil.copyfile(migrated_sqlite, path)
    db = Database(f"sqlite+aiosqlite:///{path}", timeout_seconds=BUSY_TIMEOUT)
    yield db
    await db.dispose()


async def _open(slack: SlackHarness, question: str) -> Any:
    assert (await slack.command(f"/vote new {question}")).status == 200
    await slack.settle()
    view = slack.fake.called("views.open")[-1]["view"]
    values = {**initial_values(view), "items": "Search\nBilling", "method": "single"}
    return await slack.submit(view, values)


async def _ballots(db: Database, poll_id: int) -> int:
    async with db.transaction() as session:
        query = select(func.count()).select_from(Ballot).where(col(Ballot.poll_id) == poll_id)
        return int((await session.exec(query)).one())


async def test_ballots_are_stored_while_slack_is_slow_to_open_and_close_votes(
    slack: SlackHarness, sqlite_db: Database
) -> None:
    assert (await _open(slack, "Which epic first?")).status == 200
    assert (await _open(slack, "Which epic second?")).status == 200
    await slack.settle()
    first = slack.fake.called("chat.postMessage")[0]
    menu = next(
        e
        for block in first["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
        if e["type"] == "static_select"
    )
    slack.fake.delay("chat.postMessage", SLACK_DELAY)
    slack.fake.delay("chat.update", SLACK_DELAY)

    async def vote(user: str) -> int:
        answer = await slack.click(
            first,
            menu["action_id"],
            value=menu["options"][0]["value"],
            user=user,
            ts=slack.fake.messages["C1"][0]["ts"],
        )
        return answer.status

    opening = asyncio.ensure_future(_open(slack, "Which epic third?"))
    closing = asyncio.ensure_future(slack.command("/vote close 2"))
    statuses = await asyncio.gather(*(vote(user) for user in VOTERS))
    assert (await opening).status == 200
    assert (await closing).status == 200
    await slack.settle()
    assert statuses == [200] * len(VOTERS)
    stored = await _ballots(sqlite_db, 1)
    print(f"{stored} of {len(VOTERS)} ballots stored while Slack took {SLACK_DELAY} s a call")
    assert stored == len(VOTERS)
    async with sqlite_db.transaction() as session:
        polls = {p.id: p for p in (await session.exec(select(Poll))).all()}
    assert polls[2].closed_at is not None
    assert polls[3].message_id is not None
    said = json.dumps([body for _, body in slack.fake.responses])
    assert "database is locked" not in said
