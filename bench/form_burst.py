"""N people submit a vote's ballot form at the same instant: how long until each hears back.

`alignbot serve` runs as its own process pinned to core 0 (`taskset`), on a fresh database per
run (a new SQLite file, or a new PostgreSQL database at `ALIGNBOT_BENCH_PG`); this process plays
Slack on core 1: the fake Slack Web API of tests/support, and N signed `view_submission`
payloads for a ranked vote's ballot form, each sealed for its own voter exactly as the server
sealed the one form it opened, all sent at once. The figure is the HTTP round trip Slack's
3-second timer sees. Afterwards the database must hold exactly one ballot and one voted-flag
per voter, or the run fails.

`ALIGNBOT_BENCH_BASELINE=/path/to/a/checkout` times that checkout's server in the same run,
each burst size alternating between the two, for before/after figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession, ClientTimeout, TCPConnector
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.slack.translate import METADATA_PURPOSE
from bench import Result
from bench._fakes.slack import TEAM, FakeSlack
from bench.slack_ack import SECRET as SIGNING_SECRET
from bench.slack_ack import _free_port, _sign, _wait_healthy
from bot.server_key import ServerKey

NAME = "form_burst"
SIZES = (100, 200, 400)
QUICK_SIZES = (100,)
DATABASES = ("sqlite", "postgresql")
QUICK_DATABASES = ("sqlite",)
PG_DEFAULT = "postgresql+asyncpg://postgres:test@127.0.0.1:5432/test"
SERVER_KEY = "form-burst-bench-server-key-0123456789abcdef"
ITEMS = ("Search", "Billing", "Onboarding", "Exports")
WARM_VOTERS = 10
SETTLE_SECONDS = 30.0
SERVER_CORE = "0"
LOAD_CORE = 1
HERE = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def _database(kind: str, workdir: Path) -> AsyncIterator[str]:
    """A URL to an empty database of `kind`, dropped afterwards (PostgreSQL)."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{workdir}/burst-{secrets.token_hex(4)}.db"
        return
    admin_url = make_url(os.environ.get("ALIGNBOT_BENCH_PG", PG_DEFAULT))
    name = f"bench_burst_{secrets.token_hex(4)}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin_url.set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def _program(log: Path) -> str:
    """The server's `-c` program; with `ALIGNBOT_BENCH_PROFILE=dir`, under cProfile, its
    stats written to dir/<log name>.prof when it stops (`python -m pstats` reads them)."""
    run = "from adapters.cli import main; main()"
    where = os.environ.get("ALIGNBOT_BENCH_PROFILE")
    if not where:
        return run
    out = Path(where).resolve() / f"{log.stem}.prof"
    return f"import cProfile; cProfile.run({run!r}, {str(out)!r})"


@asynccontextmanager
async def _serve(
    tree: Path, url: str, fake: FakeSlack, log: Path
) -> AsyncIterator[tuple[str, int]]:
    """`alignbot serve` from `tree` on core 0; yields its Slack endpoint and process id once
    healthy."""
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_API_URL": fake.api_url,
        "ALIGNBOT_DATABASE_URL": url,
        "ALIGNBOT_SECRET_KEY": SERVER_KEY,
        "ALIGNBOT_HOST": "127.0.0.1",
        "ALIGNBOT_PORT": str(port),
        "ALIGNBOT_LOG_LEVEL": "WARNING",
        "ALIGNBOT_SHUTDOWN_GRACE_SECONDS": "2",
    }
    process = await asyncio.create_subprocess_exec(
        "taskset",
        "-c",
        SERVER_CORE,
        sys.executable,
        "-c",
        _program(log),
        "serve",
        cwd=tree,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        await _wait_healthy(f"http://127.0.0.1:{port}/healthz", process, log)
        yield f"http://127.0.0.1:{port}/slack/events", process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


def _signed(
    payload: dict[str, Any] | None = None, form: dict[str, str] | None = None
) -> tuple[bytes, dict[str, str]]:
    """Body and headers of one request as Slack signs it."""
    body = urlencode({"payload": json.dumps(payload)} if payload is not None else form or {})
    stamp = int(time.time())
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": _sign(stamp, body),
    }
    return body.encode(), headers


def _user(user: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM}


def _state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The `state.values` Slack sends: each input's chosen option or typed text."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, value = block["element"], values.get(block["block_id"])
        if element["type"] == "static_select":
            chosen = next((o for o in element["options"] if o["value"] == value), None)
            answer: dict[str, Any] = {"type": element["type"], "selected_option": chosen}
        elif element["type"] == "multi_static_select":
            picked = [o for o in element["options"] if o["value"] in (value or [])]
            answer = {"type": element["type"], "selected_options": picked}
        elif element["type"] == "datepicker":
            answer = {"type": element["type"], "selected_date": value}
        elif element["type"] == "timepicker":
            answer = {"type": element["type"], "selected_time": value}
        elif element["type"] == "multi_users_select":
            answer = {"type": element["type"], "selected_users": value or []}
        elif element["type"] == "conversations_select":
            answer = {"type": element["type"], "selected_conversation": value}
        else:
            answer = {"type": element["type"], "value": value}
        state[block["block_id"]] = {element["action_id"]: answer}
    return state


def _initial(view: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] == "input":
            element = block["element"]
            if "initial_option" in element:
                values[block["block_id"]] = element["initial_option"]["value"]
            elif "initial_value" in element:
                values[block["block_id"]] = element["initial_value"]
    return values


def _submission(view: dict[str, Any], values: dict[str, Any], user: str) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "bench"},
        "user": _user(user),
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": f"trigger-{secrets.token_hex(4)}",
        "view": {**view, "id": "V1", "state": {"values": _state(view, values)}},
        "response_urls": [],
    }


def _resealed(metadata: str, user: str) -> str:
    """The opened form's sealed metadata as the server would seal it for `user`."""
    key = ServerKey(SERVER_KEY.encode(), True, "bench")
    opened = key.open(METADATA_PURPOSE, metadata)
    if opened is None:
        raise RuntimeError("the ballot form's metadata is not sealed with the bench's server key")
    return key.seal(METADATA_PURPOSE, json.dumps({**json.loads(opened), "user": user}))


class Voting:
    """One server with one open ranked vote, through Slack's front door."""

    def __init__(self, url: str, fake: FakeSlack, session: ClientSession) -> None:
        self.url = url
        self.fake = fake
        self.session = session
        self.ballot_view: dict[str, Any] = {}

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        async with self.session.post(self.url, data=body, headers=headers) as response:
            return response.status, await response.text()

    async def open_vote(self) -> None:
        """`/vote new`, the form filled in, the posted vote's button: the ballot form."""
        await self.post(
            *_signed(
                form={
                    "team_id": TEAM,
                    "channel_id": "C1",
                    "channel_name": "general",
                    "user_id": "UOWNER",
                    "user_name": "owner",
                    "command": "/vote",
                    "text": "new Which epic first?",
                    "response_url": self.fake.response_url("new"),
                    "trigger_id": "trigger-new",
                }
            )
        )
        await self.fake.until(lambda: self.fake.called("views.open"))
        view = self.fake.called("views.open")[-1]["view"]
        values = _initial(view) | {"items": "\n".join(ITEMS), "method": "ranked"}
        status, answer = await self.post(*_signed(_submission(view, values, "UOWNER")))
        if status != 200 or answer:
            raise RuntimeError(f"the new vote form was refused: {status} {answer[:300]}")
        await self.fake.until(lambda: self.fake.messages["C1"])
        posted = self.fake.messages["C1"][0]
        button = next(
            e
            for block in posted["blocks"]
            if block["type"] == "actions"
            for e in block["elements"]
            if e["type"] == "button" and e["text"]["text"] == "Vote"
        )
        opened = len(self.fake.called("views.open"))
        click = {
            "type": "block_actions",
            "user": _user("UOWNER"),
            "api_app_id": "A1",
            "token": "legacy",
            "container": {"type": "message", "message_ts": posted["ts"], "channel_id": "C1"},
            "trigger_id": "trigger-ballot",
            "team": {"id": TEAM, "domain": "bench"},
            "channel": {"id": "C1", "name": "general"},
            "message": {"type": "message", "ts": posted["ts"], "blocks": posted["blocks"]},
            "response_url": self.fake.response_url("ballot"),
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": "b1",
                    "type": "button",
                    "value": button["value"],
                    "action_ts": "1700000100.000000",
                }
            ],
        }
        await self.post(*_signed(click))
        await self.fake.until(lambda: len(self.fake.called("views.open")) > opened)
        self.ballot_view = self.fake.called("views.open")[-1]["view"]

    def ballot(self, user: str, n: int) -> tuple[bytes, dict[str, str]]:
        """`user`'s signed submission: a ranking that differs from voter to voter."""
        view = {
            **self.ballot_view,
            "private_metadata": _resealed(self.ballot_view["private_metadata"], user),
        }
        inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
        order = [str((n + i) % len(ITEMS)) for i in range(len(ITEMS))]
        return _signed(_submission(view, dict(zip(inputs, order, strict=False)), user))

    async def burst(self, users: list[str]) -> list[float]:
        """Every user's ballot sent at once; each one's answer time, in seconds."""
        bodies = [self.ballot(user, n) for n, user in enumerate(users)]

        async def one(body: bytes, headers: dict[str, str]) -> float:
            started = time.perf_counter()
            status, answer = await self.post(body, headers)
            took = time.perf_counter() - started
            if status != 200 or answer:
                raise RuntimeError(f"a ballot was answered {status} {answer[:300]}")
            return took

        return list(await asyncio.gather(*(one(*body) for body in bodies)))


async def _stored(url: str) -> tuple[int, int, int]:
    """Ballots, distinct ballot owners and voted-flags of vote 1."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    text(
                        "SELECT (SELECT count(*) FROM vote_ballot WHERE poll_id = 1),"
                        " (SELECT count(DISTINCT owner_key) FROM vote_ballot WHERE poll_id = 1),"
                        " (SELECT count(*) FROM vote_voter WHERE poll_id = 1)"
                    )
                )
            ).one()
    finally:
        await engine.dispose()
    return int(row[0]), int(row[1]), int(row[2])


async def _run(tree: Path, kind: str, size: int, workdir: Path) -> tuple[list[float], float]:
    """One fresh server and database: warm up, then `size` ballots at once, then the count.
    Returns each ballot's answer time and the server's CPU seconds over the burst."""
    fake = await FakeSlack().start()
    try:
        async with (
            _database(kind, workdir) as url,
            _serve(tree, url, fake, workdir / f"serve-{kind}-{size}.log") as (endpoint, pid),
            ClientSession(
                timeout=ClientTimeout(total=30), connector=TCPConnector(limit=0)
            ) as session,
        ):
            voting = Voting(endpoint, fake, session)
            await voting.open_vote()
            await voting.burst([f"UWARM{n}" for n in range(WARM_VOTERS)])
            cpu = _cpu_seconds(pid)
            took = await voting.burst([f"UBURST{n}" for n in range(size)])
            cpu = _cpu_seconds(pid) - cpu
            await _until_stored(url, size + WARM_VOTERS, f"{tree}: {kind}, {size} at once")
    finally:
        await fake.close()
    return took, cpu


async def _until_stored(url: str, voters: int, run: str) -> None:
    """Every voter's ballot and voted-flag stored once, within `SETTLE_SECONDS` (a ballot
    acknowledged at the server's time budget is still being stored after its answer)."""
    deadline = time.perf_counter() + SETTLE_SECONDS
    stored = await _stored(url)
    while stored != (voters,) * 3 and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
        stored = await _stored(url)
    if stored != (voters,) * 3:
        raise RuntimeError(
            f"{run}: stored (ballots, owners, voted-flags) {stored}, expected {voters} each"
        )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _p(samples: list[float], percent: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def _trees() -> dict[str, Path]:
    trees = {"alignbot": HERE}
    if baseline := os.environ.get("ALIGNBOT_BENCH_BASELINE"):
        trees["baseline"] = Path(baseline).resolve()
    return trees


async def measure(quick: bool) -> list[Result]:
    sizes, kinds = (QUICK_SIZES, QUICK_DATABASES) if quick else (SIZES, DATABASES)
    trees = _trees()
    previous = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {LOAD_CORE})
    results = [
        Result(
            NAME,
            "set-up",
            f"ranked ballots via modal, fresh server + database per run, "
            f"{WARM_VOTERS} warm-up ballots first; server on core {SERVER_CORE}",
        )
    ]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for kind in kinds:
                for size in sizes:
                    for name, tree in trees.items():
                        took, cpu = await _run(tree, kind, size, Path(tmp))
                        results.append(
                            Result(
                                NAME,
                                f"{kind} {size} at once, {name}: answer p50 / p99 / max",
                                f"{_p(took, 50) * 1000:.0f} / {_p(took, 99) * 1000:.0f} / "
                                f"{max(took) * 1000:.0f} ms, server CPU "
                                f"{cpu / size * 1000:.1f} ms a ballot, all {size} stored once",
                            )
                        )
    finally:
        os.sched_setaffinity(0, previous)
    return results
