"""`alignbot serve` against a database that never answers gives up fast, in one clear line;
so does one whose server key cannot be used."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

LIMIT_SECONDS = 10
SECRETS = ("ALIGNBOT_SECRET_KEY", "ALIGNBOT_VOTE_SECRET", "ALIGNBOT_SECRET_FILE")


@pytest.mark.parametrize("key", ["new key file", "no key"])
def test_serve_with_a_silent_database_exits_fast_with_one_line(tmp_path: Path, key: str) -> None:
    """Also on a first start, when the server key would be created (or reported missing):
    the failure is the only line, and no key file is left behind."""
    # A port that accepts connections and never says a word: a hung or partitioned server.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    port = silent.getsockname()[1]
    first_contact: list[float] = []
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = silent.accept()
            except OSError:
                return
            first_contact.append(time.monotonic())
            held.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    url = f"postgresql+asyncpg://alignbot:s3cret-pw@127.0.0.1:{port}/prod"
    env = {**os.environ, "ALIGNBOT_DATABASE_URL": url, "ALIGNBOT_HOST": "127.0.0.1"}
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "MICROSOFT_APP_ID", *SECRETS):
        env.pop(name, None)
    key_file = tmp_path / "keys" / "alignbot-secret.key"
    if key == "new key file":
        env["ALIGNBOT_SECRET_FILE"] = str(key_file)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from adapters.cli import main; main()", "serve"],
            env=env,
            capture_output=True,
            timeout=60,
            cwd=tmp_path,
        )
    finally:
        silent.close()
        for connection in held:
            connection.close()
    ended = time.monotonic()
    lines = done.stderr.decode().strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    masked = f"postgresql+asyncpg://alignbot:***@127.0.0.1:{port}/prod"
    assert f"cannot reach the database at {masked}: no answer within 5 s" in lines[0]
    assert "s3cret-pw" not in lines[0]
    assert not key_file.exists()
    # Interpreter start and imports take what a loaded machine makes them take; the wait
    # for the database, from its first connection on, is what the limit is about.
    assert first_contact, "serve never tried the database"
    waited = ended - first_contact[0]
    assert waited < LIMIT_SECONDS, f"waited {waited:.1f} s for the database"
    print(
        f"serve gave up {waited:.1f} s after reaching the database ({ended - started:.1f} s in all)"
    )


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ({"ALIGNBOT_SECRET_KEY": "too-short"}, "ALIGNBOT_SECRET_KEY must be at least 32"),
        ({"ALIGNBOT_SECRET_FILE": "{tmp}"}, "cannot read or create the server key file"),
    ],
)
def test_serve_with_an_unusable_server_key_exits_with_one_line(
    tmp_path: Path, setting: dict[str, str], says: str
) -> None:
    env = {
        **os.environ,
        "ALIGNBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/alignbot.db",
        "ALIGNBOT_HOST": "127.0.0.1",
        "ALIGNBOT_PORT": "0",
    }
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "MICROSOFT_APP_ID", *SECRETS):
        env.pop(name, None)
    env.update({name: value.format(tmp=tmp_path) for name, value in setting.items()})
    done = subprocess.run(
        [sys.executable, "-c", "from adapters.cli import main; main()", "serve"],
        env=env,
        capture_output=True,
        timeout=60,
        cwd=tmp_path,
    )
    lines = done.stderr.decode().strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert len(lines) == 1, lines
    assert lines[0].startswith("alignbot: ")
    assert says in lines[0]
