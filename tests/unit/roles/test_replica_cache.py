"""Two replicas on one database: a change made through A shows in B's very next answer, for
every kind of change, although B answers reads from its cache (SQLite file and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import event

from adapters.local.render import controls, render
from bot.app import AlignBot
from bot.context import Context
from bot.events import Action
from bot.ports import MessengerHub
from bot.replies import Button, Reply
from bot.settings import Settings
from storage.db import Database
from storage.repositories import workspaces
from tests.conftest import WORKSPACE, ask, channel, person
from tests.support.databases import postgres_database_url
from tests.support.recording import FakeClock

ADMIN = person("U0", "Admin", admin=True)
EVE = "<@U5|Eve>"

Step = Callable[[AlignBot], Awaitable[None]]


def line(text: str) -> Step:
    async def typed(bot: AlignBot) -> None:
        answer = await ask(bot, text, ADMIN)
        assert isinstance(answer, Reply), answer

    return typed


async def forget_eve(bot: AlignBot) -> None:
    asked = await ask(bot, f"/alignbot forget {EVE}", ADMIN)
    assert isinstance(asked, Reply)
    erase = next(c for c in controls(asked) if isinstance(c, Button) and "Erase" in c.label)
    await bot.handle(Action(erase.action_id, erase.value, ADMIN, channel()))


async def purge(bot: AlignBot) -> None:
    async with bot.ctx.db.transaction() as session:
        await workspaces.purge(session, [WORKSPACE])


@dataclass(frozen=True)
class Change:
    name: str
    before: tuple[Step, ...]  # through A, before B first reads
    read: str  # what B asks, before and after
    change: Step  # through A
    appears: str = ""  # in B's answer after the change only
    goes: str = ""  # in B's answer before the change only


CHANGES = [
    Change("role assign", (), "/role list", line(f"/role assign {EVE} Tech Lead"), appears="Eve"),
    Change(
        "role unassign",
        (line(f"/role assign {EVE} Tech Lead"),),
        "/role list",
        line(f"/role unassign {EVE} Tech Lead"),
        goes="Eve",
    ),
    Change("role add", (), "/role list", line('/role add "Content Designer"'), "Content Designer"),
    Change(
        "role remove",
        (line('/role add "Content Designer"'),),
        "/role list",
        line('/role remove "Content Designer" confirm'),
        goes="Content Designer",
    ),
    Change(
        "raci set",
        (),
        "/who owns release go/no-go",
        line('/raci set "Release go/no-go" "Tech Lead"=A PO=C'),
        appears="Accountable: Tech Lead",
    ),
    Change(
        "raci add",
        (),
        "/who owns the coffee machine",
        line('/raci add "Coffee machine" Stakeholder=A PO=R'),
        appears="== Coffee machine ==",
    ),
    Change(
        "raci alias",
        (line('/raci add "Coffee machine" Stakeholder=A PO=R'),),
        "/who owns espresso",
        line('/raci alias "Coffee machine" espresso'),
        appears="== Coffee machine ==",
    ),
    Change(
        "raci remove",
        (line('/raci add "Coffee machine" Stakeholder=A PO=R'),),
        "/raci export csv",
        line('/raci remove "Coffee machine" confirm'),
        goes="Coffee machine",
    ),
    Change(
        "raci template",
        (line('/raci remove "Release go/no-go" confirm'),),
        "/raci export csv",
        line("/raci template"),
        appears="Release go/no-go",
    ),
    Change(
        "raci import",
        (),
        "/raci export csv",
        line("/raci import decision,Product Owner\nCoffee machine,A"),
        appears="Coffee machine",
    ),
    Change(
        "privacy forget",
        (line(f"/role assign {EVE} Tech Lead"),),
        "/role list",
        forget_eve,
        goes="Eve",
    ),
    Change(
        "workspace purge",
        (line(f"/role assign {EVE} Tech Lead"),),
        "/role list",
        purge,
        goes="Eve",
    ),
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/shared.db"
        return
    async with postgres_database_url("replica_cache") as url:
        yield url


@pytest.fixture
async def replicas(
    database_url: str, clock: FakeClock, settings: Settings
) -> AsyncIterator[tuple[AlignBot, AlignBot]]:
    """Two cores, each with its own engine and cache, on one database."""
    first, second = Database(database_url), Database(database_url)
    await first.upgrade()
    bots = tuple(
        AlignBot(Context(db=db, messenger=MessengerHub(), clock=clock, settings=settings))
        for db in (first, second)
    )
    yield bots[0], bots[1]
    for bot in bots:
        await bot.close()


async def statements_during(bot: AlignBot, text: str) -> int:
    """How many statements went through SQLAlchemy while `bot` answered (the stamp's own
    read goes straight to the driver)."""
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    engine = bot.ctx.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await read(bot, text)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


async def read(bot: AlignBot, text: str) -> str:
    answer = await ask(bot, text, ADMIN)
    assert isinstance(answer, Reply), answer
    return render(answer)


@pytest.mark.parametrize("change", CHANGES, ids=[c.name for c in CHANGES])
async def test_a_change_through_one_replica_shows_in_the_others_next_answer(
    replicas: tuple[AlignBot, AlignBot], change: Change
) -> None:
    a, b = replicas
    await ask(a, "/who owns the roadmap", ADMIN)  # the workspace's default team exists
    for step in change.before:
        await step(a)
    before = await read(b, change.read)
    assert await statements_during(b, change.read) == 0  # B answers from its cache now
    if change.appears:
        assert change.appears not in before
    if change.goes:
        assert change.goes in before

    await change.change(a)

    after = await read(b, change.read)
    if change.appears:
        assert change.appears in after
    if change.goes:
        assert change.goes not in after


async def test_a_burst_after_a_change_reads_the_matrix_once(
    replicas: tuple[AlignBot, AlignBot],
) -> None:
    a, b = replicas
    await read(b, "/who owns the roadmap")
    await ask(a, '/raci add "Coffee machine" Stakeholder=A PO=R', ADMIN)
    reads: list[str] = []

    def count(*args: object) -> None:
        if "FROM decision" in str(args[2]):
            reads.append(str(args[2]))

    engine = b.ctx.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        answers = await asyncio.gather(*(read(b, "/who owns coffee machine") for _ in range(10)))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert all("== Coffee machine ==" in answer for answer in answers)
    assert len(reads) == 1
