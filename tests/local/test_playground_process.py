"""`make run` without credentials, as a real process: it says where the playground is, serves
the demo team there, and stops cleanly on Ctrl-C even with a page still connected."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import urllib.request
from pathlib import Path

import aiohttp

from tests.local.console import CLI


def test_start_serves_the_playground_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ALIGNBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/run.db",
        "ALIGNBOT_PORT": "0",  # any free port; the process prints the one it got
        "ALIGNBOT_LOG_LEVEL": "WARNING",
    }
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "MICROSOFT_APP_ID"):
        env.pop(name, None)
    process = subprocess.Popen(
        [*CLI, "start"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        told = [process.stdout.readline() for _ in range(3)]
        found = re.search(r"open (http://127\.0\.0\.1:\d+/)", "".join(told))
        assert found, told
        url = found[1]
        page = urllib.request.urlopen(url, timeout=10).read().decode()
        assert "alignbot playground" in page
        with urllib.request.urlopen(f"{url}api/state?as=ben", timeout=10) as response:
            state = json.load(response)
        assert [p["id"] for p in state["people"] if p["admin"]] == ["ana"]
        asyncio.run(_interrupt_with_a_page_open(url, process))
        _, errors = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Traceback" not in errors


async def _interrupt_with_a_page_open(url: str, process: subprocess.Popen[str]) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{url}api/live?as=ana") as live,
    ):
        process.send_signal(signal.SIGINT)
        closing = await live.receive(timeout=20)
        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
