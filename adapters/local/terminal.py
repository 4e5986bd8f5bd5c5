"""The console's screen and its numbered buttons: what is printed, and what a typed number
presses."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from adapters.local.render import controls, render
from bot.events import Conversation, MessageRef
from bot.replies import Button, Reply, Select

PLATFORM = "local"


class Terminal:
    """The screen: answers print in turn; proactive posts print above a pending prompt and the
    prompt is drawn again with what was typed so far, so nothing lands inside a typed line."""

    def __init__(
        self,
        out: TextIO,
        read_line: Callable[[], str],
        typed_so_far: Callable[[], str] | None = None,
    ) -> None:
        self.out = out
        self.read_line = read_line
        self.typed_so_far = typed_so_far
        self.prompt: str | None = None

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def announce(self, text: str) -> None:
        if self.prompt is None:
            self.say("\n" + text)
            return
        if self.typed_so_far is not None:  # a terminal: clear the prompt line, redraw it below
            typed = self.typed_so_far()
            self.out.write(f"\r\x1b[K{text}\n{self.prompt}{typed}")
        else:
            self.out.write(f"\n{text}\n{self.prompt}")
        self.out.flush()

    async def ask(self, prompt: str) -> str | None:
        """One line, or None at the end of the input."""
        self.out.write(prompt)
        self.out.flush()
        self.prompt = prompt.rpartition("\n")[2]
        try:
            line = await asyncio.to_thread(self.read_line)
        finally:
            self.prompt = None
        return None if line == "" else line.rstrip("\n")


@dataclass(frozen=True)
class Pressable:
    control: Button | Select
    ref: MessageRef
    conversation: Conversation


@dataclass
class Board:
    """Every message shown this session; its buttons are numbered once, across all messages,
    so a number always presses the button it was printed beside."""

    _messages: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    pressables: dict[int, Pressable] = field(default_factory=dict)
    # The local chat's channel membership: a person is in every channel they have spoken in.
    joined: dict[str, set[str]] = field(default_factory=dict)

    def new_ref(self, conversation: Conversation) -> MessageRef:
        return MessageRef(
            PLATFORM, conversation.workspace_id, conversation.channel_id, str(next(self._messages))
        )

    def show(self, reply: Reply, ref: MessageRef, conversation: Conversation) -> str:
        first = len(self.pressables) + 1
        for offset, control in enumerate(controls(reply)):
            self.pressables[first + offset] = Pressable(control, ref, conversation)
        return render(reply, first=first)
