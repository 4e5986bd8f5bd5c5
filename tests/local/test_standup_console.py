"""The stand-up in the local console: the set-up and answer forms become prompts."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

from adapters.local.console import ConsoleChat, Terminal
from bot.app import AlignBot
from bot.features.standups import jobs
from tests.support.recording import FakeClock, RecordingMessenger


def _script(*lines: str) -> Callable[[], str]:
    pending = [line + "\n" for line in lines]
    return lambda: pending.pop(0) if pending else ""


async def test_set_up_answer_and_summary_from_the_console(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    clock.current = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    out = io.StringIO()
    terminal = Terminal(out, _script())
    chat = ConsoleChat(alignbot, "ana", terminal)
    terminal.read_line = _script(
        "",  # name: keep "Design"
        "",  # channel: this one
        "@ana, @ben",
        ".",  # questions: keep the three defaults
        "",  # days: Mon-Fri
        "09:30",
        "30",
        "16:00",
        "Europe/Berlin",
        "",  # style: threaded
        "",  # escalate stuck blockers: keep 3 days
    )
    await chat.handle_line("/standup setup Design")
    assert "Stand-up Design created." in out.getvalue()

    terminal.read_line = _script(
        "x" * 3001, ".", "Usability test", ".", "Waiting for legal", ".", "Wireframes", "."
    )
    await chat.handle_line("/standup")
    shown = out.getvalue()
    assert "! This answer is 3,001 characters; the limit is 3,000." in shown
    assert "Thanks! Your Design stand-up for Mon 23 Nov is saved." in shown

    clock.current = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 16:00 in Berlin
    await jobs.tick(alignbot.ctx)
    parents = [p for p in messenger.posts if p.conversation and p.conversation.thread_id is None]
    assert len(parents) == 1
    assert parents[0].conversation is not None
    assert parents[0].conversation.channel_id == "general"
