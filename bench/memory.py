"""Does `alignbot serve` hold its memory under steady traffic, or creep upwards?

One server on core 0 (`taskset`), a fresh SQLite database; this process on core 1 plays Slack
and sends 100 requests a second, open loop: alternately a signed `/who owns backlog priority`
and a ballot through the vote's form from one of `VOTERS` people (each re-votes as the run goes
on, replacing their ballot). The server's resident set size is sampled throughout. After the
warm-up (the first fifth of the run: imports, caches, connection pools filling), the slope of a
least-squares line through the samples is the growth per minute; below `FLAT_MB_PER_MINUTE` the
verdict is "flat". Every request must be answered 200, every /who answered through its
`response_url` and every voter's ballot stored once.

Full: 10 minutes. Quick: 10 seconds, a smoke test of the set-up (too short for a verdict).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout, TCPConnector

from bench import Result
from bench.form_burst import (
    HERE,
    LOAD_CORE,
    TEAM,
    FakeSlack,
    Voting,
    _database,
    _serve,
    _signed,
    _until_stored,
)

NAME = "memory"
RATE = 100  # requests a second, half /who, half ballots
VOTERS = 300
FULL_SECONDS, QUICK_SECONDS = 600.0, 10.0
WARM_UP_SHARE = 0.2
FLAT_MB_PER_MINUTE = 0.5
ANSWER_SECONDS = 30.0


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _who(fake: FakeSlack, n: int) -> tuple[bytes, dict[str, str]]:
    return _signed(
        form={
            "team_id": TEAM,
            "channel_id": "C1",
            "channel_name": "general",
            "user_id": f"UWHO{n % 50}",
            "user_name": f"who{n % 50}",
            "command": "/who",
            "text": "owns backlog priority",
            "response_url": fake.response_url(f"who-{n}"),
            "trigger_id": f"trigger-who-{n}",
        }
    )


async def _drive(
    voting: Voting, fake: FakeSlack, pid: int, seconds: float, every: float
) -> tuple[list[tuple[float, float]], int]:
    """Open-loop traffic for `seconds`, RSS sampled each `every` seconds; returns the samples
    (minutes since start, MB) and how many requests were sent."""
    failures: list[str] = []
    in_flight: set[asyncio.Task[None]] = set()

    async def send(body: bytes, headers: dict[str, str], what: str) -> None:
        status, answer = await voting.post(body, headers)
        if status != 200 or (what == "ballot" and answer):
            failures.append(f"{what}: {status} {answer[:200]}")

    samples: list[tuple[float, float]] = []
    start = time.perf_counter()
    next_sample = start
    count = int(RATE * seconds)
    for n in range(count):
        due = start + n / RATE
        now = time.perf_counter()
        if now >= next_sample:
            samples.append(((now - start) / 60, _rss_mb(pid)))
            next_sample += every
        await asyncio.sleep(max(0.0, due - now))
        if n % 2:
            request = voting.ballot(f"UVOTER{(n // 2) % VOTERS}", n)
            what = "ballot"
        else:
            request, what = _who(fake, n), "/who"
        task = asyncio.ensure_future(send(*request, what))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
        if failures:
            for unfinished in in_flight:
                unfinished.cancel()
            raise RuntimeError(f"a request failed: {failures[0]}")
    await asyncio.gather(*in_flight)
    samples.append(((time.perf_counter() - start) / 60, _rss_mb(pid)))
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, the first: {failures[0]}")
    await _until_answered(fake, (count + 1) // 2)
    return samples, count


async def _until_answered(fake: FakeSlack, whos: int) -> None:
    """Every /who answered through its `response_url` within `ANSWER_SECONDS`."""
    deadline = time.perf_counter() + ANSWER_SECONDS
    answered = 0
    while time.perf_counter() < deadline:
        answered = len({name for name, _ in fake.responses if name.startswith("who-")})
        if answered >= whos:
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{answered} of {whos} /who commands were answered")


def _slope(samples: list[tuple[float, float]]) -> float:
    """MB per minute of the least-squares line through (minute, MB)."""
    xs, ys = [s[0] for s in samples], [s[1] for s in samples]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in samples) / spread if spread else 0.0


async def measure(quick: bool) -> list[Result]:
    seconds = QUICK_SECONDS if quick else FULL_SECONDS
    every = 0.5 if quick else 5.0
    previous = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {LOAD_CORE})
    fake = await FakeSlack().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with (
                _database("sqlite", Path(tmp)) as url,
                _serve(HERE, url, fake, Path(tmp) / "serve-memory.log") as (endpoint, pid),
                ClientSession(
                    timeout=ClientTimeout(total=30), connector=TCPConnector(limit=0)
                ) as session,
            ):
                voting = Voting(endpoint, fake, session)
                await voting.open_vote()
                try:
                    samples, sent = await _drive(voting, fake, pid, seconds, every)
                    await _until_stored(url, min(VOTERS, sent // 2), "memory")
                except RuntimeError as failure:
                    log = (Path(tmp) / "serve-memory.log").read_text()[-3000:]
                    raise RuntimeError(f"{failure}\nthe server's log ends:\n{log}") from None
    finally:
        await fake.close()
        os.sched_setaffinity(0, previous)
    return _table(samples, seconds, quick)


def _table(samples: list[tuple[float, float]], seconds: float, quick: bool) -> list[Result]:
    settled = [s for s in samples if s[0] >= WARM_UP_SHARE * seconds / 60]
    slope = _slope(settled)
    rss = [mb for _, mb in samples]
    verdict = "flat" if slope < FLAT_MB_PER_MINUTE else "GROWING"
    if quick:
        verdict += " (quick run: too short to judge)"
    return [
        Result(
            NAME,
            "set-up",
            f"{RATE}/s for {seconds:.0f} s, /who and ballots alternating, SQLite, server on core 0",
        ),
        Result(
            NAME,
            "RSS first / last / peak",
            f"{rss[0]:.1f} / {rss[-1]:.1f} / {max(rss):.1f} MB",
        ),
        Result(
            NAME,
            f"growth after the first {WARM_UP_SHARE:.0%}",
            f"{slope:+.2f} MB/min: {verdict} (flat below {FLAT_MB_PER_MINUTE} MB/min)",
        ),
    ]
