"""Real `alignbot serve` processes for the replica tests: a free port each, started on a
database and the fake Slack Web API, signed requests sent to them, stopped however a test ends."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from aiohttp import ClientError, ClientSession

from tests.slack.harness import sign
from tests.support.fake_slack import FakeSlack

SECRET = "replica-signing-secret"
INBOX_LEASE_SECONDS = 2


def free_port() -> int:
    """A port nothing listens on now, for a process to bind."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Replica:
    """One `alignbot serve` process."""

    def __init__(
        self,
        url: str,
        slack: FakeSlack,
        log: Path,
        grace: float = 0.5,
        inbox_lease_seconds: float = INBOX_LEASE_SECONDS,
    ) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "ALIGNBOT_DATABASE_URL": url,
            "ALIGNBOT_HOST": "127.0.0.1",
            "ALIGNBOT_PORT": str(self.port),
            "ALIGNBOT_INBOX_LEASE_SECONDS": str(inbox_lease_seconds),
            "ALIGNBOT_SHUTDOWN_GRACE_SECONDS": str(grace),  # short: the rest must resume
            "ALIGNBOT_LOG_LEVEL": "INFO",
            "SLACK_BOT_TOKEN": "xoxb-inbound-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
        }
        env.pop("SLACK_APP_TOKEN", None)
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from adapters.cli import main; main()", "serve"],
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def ready(self, session: ClientSession) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            with contextlib.suppress(ClientError):
                async with session.get(f"{self.url}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
        raise AssertionError(f"replica never became healthy\n{self.log.read_text()[-3000:]}")

    async def post(self, session: ClientSession, body: str, content_type: str) -> int:
        """Signs and sends `body` as Slack would; the HTTP status, or 0 when unreachable."""
        ts = int(time.time())
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(SECRET, ts, body),
        }
        try:
            async with session.post(
                f"{self.url}/slack/events", data=body.encode(), headers=headers
            ) as response:
                await response.read()
                return response.status
        except (ClientError, OSError):
            return 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def replicas() -> Iterator[list[Replica]]:
    """The replicas a test starts, each stopped when it ends, whatever happened."""
    started: list[Replica] = []
    try:
        yield started
    finally:
        for replica in started:
            replica.stop()
