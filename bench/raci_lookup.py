"""`/who owns ...` latency over a 1,000-decision matrix: pure matching and end to end."""

from __future__ import annotations

import random
import statistics
import tempfile
import time

from bench import Result
from bot.app import AlignBot
from bot.context import Context
from bot.events import Actor, Command, Conversation
from bot.features.roles.exchange import MAX_DECISIONS
from bot.features.roles.lookup import find_decision
from bot.features.roles.matrix import DecisionView, Matrix
from bot.features.roles.template import DECISIONS, ROLES
from bot.ports import MessengerHub, SystemClock
from bot.replies import Preformatted, Reply
from bot.settings import Settings
from storage.db import Database

WORDS = [
    "onboarding",
    "checkout",
    "pricing",
    "search",
    "billing",
    "mobile",
    "api",
    "analytics",
    "settings",
    "invite",
    "export",
    "import",
    "dashboard",
    "report",
    "sharing",
    "permissions",
    "trial",
    "upgrade",
    "refund",
    "support",
]


def synthetic(count: int) -> list[DecisionView]:
    """The PO/UX default plus generated decisions, so the big matrix looks like a real one."""
    rng = random.Random(7)
    decisions = [DecisionView(name, aliases, {}) for name, aliases, _ in DECISIONS]
    while len(decisions) < count:
        area, topic = rng.sample(WORDS, 2)
        kind = rng.choice(
            ["roadmap", "design review", "launch", "copy", "research plan", "metrics"]
        )
        decisions.append(DecisionView(f"{area} {topic} {kind} {len(decisions)}", (), {}))
    return decisions


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


async def measure(quick: bool) -> list[Result]:
    size = 1_000
    asks = 100 if quick else 1_000
    decisions = synthetic(size)
    queries = ["backlog priority", "roadmpa", "checkout pricing launch", "who owns acessibility"]
    matrix = Matrix(tuple(decisions), ())
    phrases = matrix.phrases  # prepared once per matrix, as the bot's cache does
    pure: list[float] = []
    for index in range(asks):
        started = time.perf_counter()
        find_decision(queries[index % len(queries)], matrix.decisions, phrases)
        pure.append((time.perf_counter() - started) * 1000)
    first, end_to_end = await _end_to_end(decisions, asks, queries)
    p50, p99 = _percentiles(pure)
    e50, e99 = _percentiles(end_to_end)
    name = f"raci_lookup ({size} decisions)"
    return [
        Result(name, "match p50 / p99", f"{p50:.2f} / {p99:.2f} ms"),
        Result(name, "first /who after a change (matrix read afresh, SQLite)", f"{first:.1f} ms"),
        Result(name, "/who end to end p50 / p99 (SQLite)", f"{e50:.2f} / {e99:.2f} ms"),
    ]


async def _end_to_end(
    decisions: list[DecisionView], asks: int, queries: list[str]
) -> tuple[float, list[float]]:
    """The first /who after the import (a cache miss), then `asks` more."""
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(f"sqlite+aiosqlite:///{scratch}/bench.db")
        await db.upgrade()
        bot = AlignBot(Context(db, MessengerHub(), SystemClock(), Settings(_env_file=None)))
        admin = Actor("local", "bench", "U0", "Admin", is_admin=True)
        where = Conversation("local", "bench", "C1")
        await _import(bot, decisions, admin, where)
        started = time.perf_counter()
        await bot.handle(Command("who", f"owns {queries[0]}", admin, where))
        first = (time.perf_counter() - started) * 1000
        await _check_loaded(bot, len(decisions), admin, where)
        samples: list[float] = []
        for index in range(asks):
            started = time.perf_counter()
            await bot.handle(Command("who", f"owns {queries[index % len(queries)]}", admin, where))
            samples.append((time.perf_counter() - started) * 1000)
        await db.dispose()
    return first, samples


IMPORT_CHUNK = MAX_DECISIONS // 2  # rows per `/raci import`, well inside the command's size limit


async def _import(
    bot: AlignBot, decisions: list[DecisionView], admin: Actor, where: Conversation
) -> None:
    """Loads the matrix through `/raci import`, as a team would."""
    for start in range(0, len(decisions), IMPORT_CHUNK):
        rows = "\n".join(f"{d.name},A" for d in decisions[start : start + IMPORT_CHUNK])
        answer = await bot.handle(
            Command("raci", f"import decision,{ROLES[0]}\n{rows}", admin, where)
        )
        if not (isinstance(answer, Reply) and "Imported" in str(answer)):
            raise RuntimeError(f"the bench's /raci import was refused: {answer}")


async def _check_loaded(bot: AlignBot, count: int, admin: Actor, where: Conversation) -> None:
    """Every decision is there: a refused import would otherwise time the 20-decision default."""
    exported = await bot.handle(Command("raci", "export csv", admin, where))
    assert isinstance(exported, Reply)
    csv = next(block.text for block in exported.blocks if isinstance(block, Preformatted))
    rows = len(csv.splitlines()) - 1  # under the header
    if rows != count:
        raise RuntimeError(f"the matrix holds {rows} decisions, not {count}")
