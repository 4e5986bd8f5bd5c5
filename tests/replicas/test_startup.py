"""`alignbot serve` against a database that never answers gives up fast, in one clear line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

LIMIT_SECONDS = 10


def test_serve_with_a_silent_database_exits_fast_with_one_line(tmp_path: Path) -> None:
    # A port that accepts connections and never says a word: a hung or partitioned server.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        url = f"postgresql+asyncpg://alignbot:s3cret-pw@127.0.0.1:{port}/prod"
        env = {
            **os.environ,
            "ALIGNBOT_DATABASE_URL": url,
            "ALIGNBOT_HOST": "127.0.0.1",
            "ALIGNBOT_PORT": "0",
        }
        for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "MICROSOFT_APP_ID"):
            env.pop(name, None)
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", "from adapters.cli import main; main()", "serve"],
            env=env,
            capture_output=True,
            timeout=30,
            cwd=tmp_path,
        )
        took = time.monotonic() - started
    lines = done.stderr.decode().strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert took < LIMIT_SECONDS, f"took {took:.1f} s"
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    assert (
        f"cannot reach the database at postgresql+asyncpg://alignbot:***@127.0.0.1:{port}/prod"
        in lines[0]
    )
    assert "s3cret-pw" not in lines[0]
    print(f"serve gave up after {took:.1f} s: {lines[0]}")
