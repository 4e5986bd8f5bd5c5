"""`/who` under open-loop load: `alignbot serve` against a bare slack-bolt app, side by side.

Each server is its own process pinned to core 0 (`taskset`); this process, the load generator
and the `response_url` receiver, runs on core 1. Signed `/who owns backlog priority` commands
leave at a fixed rate whatever earlier ones are doing (open loop), at each rate in turn, the two
servers interleaved (A, B, A, B…) and repeated. The ack is the HTTP round trip Slack's 3-second
timer sees; the answer is the time until the reply reaches the command's `response_url`.

`ALIGNBOT_BENCH_BASELINE=/path/to/a/checkout` times that checkout's `alignbot serve` as a third
server in the same run (e.g. `git worktree add /tmp/base 10776c6`), for before/after figures.
`ALIGNBOT_BENCH_PROFILE=dir` runs each alignbot server under cProfile, stats in dir.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import ClientSession, ClientTimeout, web

from bench import Result

NAME = "slack_ack"
SECRET = "bench-signing-secret"
LINE = "/who owns backlog priority"
USERS = 10
RATES = (50, 100, 200, 300, 400)
QUICK_RATES = (100, 400)
SERVER_CORE = "0"
LOAD_CORE = 1
ANSWER_WAIT = 15.0  # seconds after the last command before a missing answer counts as lost
HERE = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sign(timestamp: int, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()


class Receiver:
    """The Slack side this machine plays: the Web API (any method answers ok) and each command's
    `response_url`, noting when every answer arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.url = ""
        self._arrival = asyncio.Event()

    async def wait_for(self, names: list[str], seconds: float) -> None:
        """Until every one of `names` has been answered, or `seconds` have passed."""
        deadline = time.perf_counter() + seconds
        while not all(name in self.arrived for name in names):
            self._arrival.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrival.wait(), deadline - time.perf_counter())
            if time.perf_counter() >= deadline:
                return

    async def _respond(self, request: web.Request) -> web.Response:
        self.arrived[request.match_info["tag"]] = time.perf_counter()
        self._arrival.set()
        await request.read()
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        await request.read()
        user = {"id": "U0", "name": "u0", "tz": "UTC", "profile": {}}
        return web.json_response(
            {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": user}
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Receiver]:
        app = web.Application()
        app.router.add_post("/respond/{tag}", self._respond)
        app.router.add_route("*", "/api/{method}", self._api)  # users.info is a GET
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = _free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"
        try:
            yield self
        finally:
            await runner.cleanup()


@asynccontextmanager
async def _server(
    kind: str, tree: Path, workdir: Path, receiver: Receiver
) -> AsyncIterator[tuple[str, int]]:
    """One server process on core 0; yields its Slack endpoint and pid once /healthz answers."""
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_API_URL": f"{receiver.url}/api/",
        "ALIGNBOT_DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/{kind}-{port}.db",
        "ALIGNBOT_HOST": "127.0.0.1",
        "ALIGNBOT_PORT": str(port),
        "ALIGNBOT_LOG_LEVEL": "WARNING",
        "ALIGNBOT_SHUTDOWN_GRACE_SECONDS": "2",
    }
    if kind == "bare":
        program = ["-m", "bench._bare_bolt", str(port), str(workdir / f"bare-{port}.db")]
    else:
        program = ["-c", _serve_program(f"{kind}-{port}"), "serve"]
    process = await asyncio.create_subprocess_exec(
        "taskset",
        "-c",
        SERVER_CORE,
        sys.executable,
        *program,
        cwd=tree,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=(workdir / f"{kind}-{port}.log").open("w"),
    )
    try:
        await _wait_healthy(
            f"http://127.0.0.1:{port}/healthz", process, workdir / f"{kind}-{port}.log"
        )
        yield f"http://127.0.0.1:{port}/slack/events", process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


def _serve_program(name: str) -> str:
    """`alignbot serve`; with `ALIGNBOT_BENCH_PROFILE=dir`, under cProfile, its stats written
    to dir/<name>.prof when it stops (`python -m pstats` reads them)."""
    run = "from adapters.cli import main; main()"
    where = os.environ.get("ALIGNBOT_BENCH_PROFILE")
    if not where:
        return run
    return f"import cProfile; cProfile.run({run!r}, {str(Path(where).resolve() / name)!r})"


def _cpu_seconds(pid: int) -> float:
    """CPU time the process used so far (user + system): unlike latency, barely moved by
    other work sharing the machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tail(log: Path) -> str:
    return log.read_text()[-2000:]


async def _wait_healthy(url: str, process: asyncio.subprocess.Process, log: Path) -> None:
    async with ClientSession(timeout=ClientTimeout(total=1)) as session:
        for _ in range(1200):  # a loaded core takes seconds to import and migrate
            if process.returncode is not None:
                raise RuntimeError(
                    f"{url}: the server exited with {process.returncode}:\n{_tail(log)}"
                )
            with contextlib.suppress(OSError, TimeoutError):
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} never became healthy")


async def _load(
    url: str, receiver: Receiver, rate: int, seconds: float, tag: str
) -> tuple[list[float], list[float], int]:
    """Open loop at `rate`/s for `seconds`: ack latencies, answer latencies, answers lost."""
    count = int(rate * seconds)
    sent: dict[str, float] = {}
    acks: list[float] = []
    timeout = ClientTimeout(total=10)
    async with ClientSession(timeout=timeout) as session:
        start = time.perf_counter() + 0.05

        async def one(n: int) -> None:
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            name = f"{tag}-{n}"
            command, _, text = LINE.partition(" ")
            body = urlencode(
                {
                    "team_id": "T1",
                    "channel_id": "C1",
                    "channel_name": "general",
                    "user_id": f"U{n % USERS}",
                    "user_name": f"u{n % USERS}",
                    "command": command,
                    "text": text,
                    "response_url": f"{receiver.url}/respond/{name}",
                    "trigger_id": f"trigger-{name}",
                }
            )
            stamp = int(time.time())
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": str(stamp),
                "X-Slack-Signature": _sign(stamp, body),
            }
            sent[name] = time.perf_counter()
            async with session.post(url, data=body.encode(), headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"{url}: command {n} answered {response.status}")
            acks.append(time.perf_counter() - sent[name])

        await asyncio.gather(*(one(n) for n in range(count)))
    await receiver.wait_for(list(sent), ANSWER_WAIT)
    answers = [receiver.arrived[n] - at for n, at in sent.items() if n in receiver.arrived]
    return acks, answers, count - len(answers)


@dataclass
class Samples:
    """One server's figures at one rate, over every round."""

    acks: list[float] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)
    cpu: float = 0.0  # seconds of the server's CPU time while it was under this load


def _p(samples: list[float], percent: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def _ms(samples: list[float]) -> str:
    return f"{_p(samples, 50) * 1000:.1f} / {_p(samples, 99) * 1000:.1f} ms"


def _trees() -> dict[str, Path]:
    """The source tree each server runs from."""
    trees = {"alignbot": HERE, "bare bolt": HERE}
    if baseline := os.environ.get("ALIGNBOT_BENCH_BASELINE"):
        trees["baseline"] = Path(baseline).resolve()
    return trees


async def measure(quick: bool) -> list[Result]:
    rates = QUICK_RATES if quick else RATES
    seconds, rounds = (1.0, 1) if quick else (5.0, 3)
    trees = _trees()
    kinds = {"alignbot": "alignbot", "bare bolt": "bare", "baseline": "alignbot"}
    previous = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {LOAD_CORE})
    samples: dict[tuple[str, int], Samples] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with Receiver().running() as receiver, contextlib.AsyncExitStack() as stack:
                started = await asyncio.gather(
                    *(
                        stack.enter_async_context(_server(kinds[name], tree, Path(tmp), receiver))
                        for name, tree in trees.items()
                    )
                )
                servers = dict(zip(trees, started, strict=True))
                for name, (url, _) in servers.items():  # warm up: imports, caches, first queries
                    await _load(url, receiver, 50, 0.5, f"warm-{name}")
                for round_number in range(rounds):
                    for rate in rates:
                        for name, (url, pid) in servers.items():
                            tag = f"{name}-{rate}-{round_number}".replace(" ", "")
                            cpu = _cpu_seconds(pid)
                            acks, answers, lost = await _load(url, receiver, rate, seconds, tag)
                            got = samples.setdefault((name, rate), Samples())
                            got.cpu += _cpu_seconds(pid) - cpu
                            got.acks.extend(acks)
                            got.answers.extend(answers)
                            got.lost.append(lost)
    finally:
        os.sched_setaffinity(0, previous)
    return _table(samples, list(trees), rates, seconds, rounds)


def _table(
    samples: dict[tuple[str, int], Samples],
    names: list[str],
    rates: tuple[int, ...],
    seconds: float,
    rounds: int,
) -> list[Result]:
    results = [
        Result(NAME, "set-up", f"{LINE}, {rounds} × {seconds:.0f} s per rate, servers on core 0")
    ]
    for rate in rates:
        for name in names:
            got = samples[(name, rate)]
            lost = sum(got.lost)
            results.append(
                Result(
                    NAME,
                    f"{rate}/s {name} ack | answer p50 / p99 | CPU per command",
                    f"{_ms(got.acks)} | {_ms(got.answers)} | "
                    f"{got.cpu / len(got.acks) * 1000:.2f} ms"
                    + (f" | {lost} lost" if lost else ""),
                )
            )
        ours, bare = samples[("alignbot", rate)].answers, samples[("bare bolt", rate)].answers
        results.append(
            Result(
                NAME,
                f"{rate}/s answer p99 ratio alignbot / bare",
                f"{_p(ours, 99) / _p(bare, 99):.1f}x",
            )
        )
        if "baseline" in names:
            now, then = samples[("alignbot", rate)], samples[("baseline", rate)]
            ack = _p(now.acks, 99) / _p(then.acks, 99)
            answer = _p(now.answers, 99) / _p(then.answers, 99)
            cpu = (now.cpu / len(now.acks)) / (then.cpu / len(then.acks))
            results.append(
                Result(
                    NAME,
                    f"{rate}/s alignbot vs baseline: ack p99 / answer p99 / CPU",
                    f"{ack:.2f}x / {answer:.2f}x / {cpu:.2f}x",
                )
            )
    return results
