"""Drives the console: `alignbot` as a process (`run_cli`), or a chat in this process with
typed lines answering each prompt (`converse`)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from adapters.local.console import ConsoleChat, ConsoleMessenger
from adapters.local.terminal import PLATFORM, Board, Terminal
from bot.app import AlignBot

CLI = [sys.executable, "-c", "from adapters.cli import main; main()"]


def run_cli(args: list[str], stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ALIGNBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/chat.db",
        "ALIGNBOT_LOG_LEVEL": "WARNING",
    }
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "MICROSOFT_APP_ID",
        "MICROSOFT_APP_PASSWORD",
    ):
        env.pop(name, None)
    return subprocess.run(
        [*CLI, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
        check=False,
    )


class Script:
    """Types the given lines, one per prompt, and counts the prompts."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        self.prompts = 0

    def read(self) -> str:
        self.prompts += 1
        return self.lines.pop(0) + "\n" if self.lines else ""


async def converse(
    bot: AlignBot, lines: Sequence[str], *, user: str = "ana", admins: Sequence[str] = ("ana",)
) -> tuple[str, Script]:
    out = io.StringIO()
    script = Script(lines)
    terminal = Terminal(out, script.read)
    board = Board()
    bot.messenger.connect(PLATFORM, ConsoleMessenger(terminal, board))
    await ConsoleChat(bot, user, terminal, board, set(admins)).run()
    return out.getvalue(), script


def new_vote(items: Sequence[str], method: str = "1", *extra: str) -> list[str]:
    return ["/vote new", "Which first?", *items, ".", method, *extra]
