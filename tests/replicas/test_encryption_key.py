"""`alignbot serve` in Slack OAuth mode refuses to start without a usable encryption key:
one clear line, no traceback, nothing touched (no database file created)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet


def serve(tmp_path: Path, key: str | None) -> subprocess.CompletedProcess[bytes]:
    env = {
        **os.environ,
        "ALIGNBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/alignbot.db",
        "ALIGNBOT_HOST": "127.0.0.1",
        "ALIGNBOT_PORT": "0",
        "SLACK_CLIENT_ID": "1111.2222",
        "SLACK_CLIENT_SECRET": "client-secret",
        "SLACK_SIGNING_SECRET": "signing-secret",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",  # never reached
    }
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "MICROSOFT_APP_ID",
        "ALIGNBOT_ENCRYPTION_KEY",
    ):
        env.pop(name, None)
    if key is not None:
        env["ALIGNBOT_ENCRYPTION_KEY"] = key
    return subprocess.run(
        [sys.executable, "-c", "from adapters.cli import main; main()", "serve"],
        env=env,
        capture_output=True,
        timeout=60,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    ("key", "says"),
    [
        (None, "needs ALIGNBOT_ENCRYPTION_KEY"),
        ("", "needs ALIGNBOT_ENCRYPTION_KEY"),
        ("not-a-fernet-key", "is not a Fernet key"),
        (f"{Fernet.generate_key().decode()},short", "is not a Fernet key"),
    ],
)
def test_oauth_mode_refuses_to_start_without_a_valid_key(
    tmp_path: Path, key: str | None, says: str
) -> None:
    done = serve(tmp_path, key)

    lines = done.stderr.decode().strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert len(lines) == 1, lines
    assert lines[0].startswith("alignbot: ")
    assert says in lines[0]
    assert "Fernet.generate_key()" in lines[0]  # says how to make one
    assert "Traceback" not in done.stderr.decode()
    assert not (tmp_path / "alignbot.db").exists()
