"""`alignbot chat`: the product in a terminal. Same commands as Slack; forms become prompts,
buttons on any message are pressed by their number, proactive posts (stand-up prompts,
broadcasts) are printed above the prompt."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from adapters.local.console_render import ConsoleRenderer, Surface, Where
from adapters.local.forms import Cancelled, FormFiller
from adapters.local.terminal import PLATFORM, Board, Terminal
from bot.app import AlignBot
from bot.events import (
    Action,
    Actor,
    Command,
    Conversation,
    Event,
    Message,
    MessageRef,
)
from bot.ports import Renderer
from bot.replies import Button, Outcome, Reply, Select

WORKSPACE = "local"
_PERSON = re.compile(r"(?<![<\w])@([A-Za-z0-9_.\-]+)")
_CHANNEL = re.compile(r"(?<![<\w])#([A-Za-z0-9_.\-]+)")

HELP = """Type commands as in Slack (/who owns the roadmap) or plain (who owns the roadmap?).
  a number      press the button showing [that number], on any message so far
  :as NAME      speak as someone else (e.g. :as ben)   :in CHANNEL  move to #CHANNEL
  :admin        make the current person an admin, or not (admins: {admins})
  :paste        type or paste several lines, then :end (e.g. /vote new from csv)
  :cancel       leave a form without saving      :quit  leave (Ctrl-D works too)"""


def to_core_mentions(line: str) -> str:
    """`@ana` and `#design` become the core's mention spelling, as Slack would send them."""
    line = _PERSON.sub(lambda m: f"<@{m.group(1)}|{m.group(1)}>", line)
    return _CHANNEL.sub(lambda m: f"<#{m.group(1)}|{m.group(1)}>", line)


@dataclass
class ConsoleMessenger:
    """Proactive output, printed with where it went."""

    terminal: Terminal
    board: Board = field(default_factory=Board)
    _where: dict[MessageRef, Conversation] = field(default_factory=dict)

    def _show(self, header: str, reply: Reply, ref: MessageRef, where: Conversation) -> None:
        self._where[ref] = where
        self.terminal.announce(f"{header}\n{self.board.show(reply, ref, where)}")

    async def post(self, conversation: Conversation, reply: Reply) -> MessageRef:
        ref = self.board.new_ref(conversation)
        where = f"#{conversation.channel_id}" + (" (thread)" if conversation.thread_id else "")
        self._show(f"[{where}, message {ref.message_id}]", reply, ref, conversation)
        return ref

    async def send_direct(self, workspace_id: str, user_id: str, reply: Reply) -> MessageRef:
        where = Conversation(PLATFORM, workspace_id, f"dm-{user_id}", is_direct=True)
        ref = self.board.new_ref(where)
        self._show(f"[direct message to @{user_id}, message {ref.message_id}]", reply, ref, where)
        return ref

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        where = self._where.get(ref, Conversation(PLATFORM, ref.workspace_id, ref.channel_id))
        self._show(f"[#{ref.channel_id}, message {ref.message_id} updated]", reply, ref, where)

    async def is_member(self, conversation: Conversation, user_id: str) -> bool:
        return user_id in self.board.joined.get(conversation.channel_id, set())


@dataclass
class ConsoleChat:
    bot: AlignBot
    user: str
    terminal: Terminal
    board: Board = field(default_factory=Board)
    admins: set[str] = field(default_factory=set)
    channel: str = "general"
    renderer: Renderer[Where, Surface, FormFiller | None] = field(init=False)

    def __post_init__(self) -> None:
        self.renderer = ConsoleRenderer(self.terminal, self.board)

    @property
    def actor(self) -> Actor:
        return Actor(PLATFORM, WORKSPACE, self.user, self.user, None, self.user in self.admins)

    @property
    def conversation(self) -> Conversation:
        return Conversation(PLATFORM, WORKSPACE, self.channel)

    def say(self, text: str) -> None:
        self.terminal.say(text)

    def _help(self) -> str:
        names = ", ".join(f"@{name}" for name in sorted(self.admins)) or "nobody"
        return HELP.format(admins=names)

    async def run(self) -> None:
        role = "an admin" if self.user in self.admins else "not an admin"
        self.say(f"alignbot local chat: you are @{self.user} ({role}) in #{self.channel}.")
        self.say(self._help())
        while (line := await self.terminal.ask(f"\n{self.user}@#{self.channel}> ")) is not None:
            line = line.strip()
            if line in {":quit", ":q", ":exit"}:
                break
            if line == ":paste":
                line = await self._paste()
            if line:
                await self.handle_line(line)
        self.say("Bye.")

    async def _paste(self) -> str:
        """Several lines as one message: CSV after `/vote new from csv`, a long update."""
        self.say("Paste or type the lines; finish with a line holding only :end (or :cancel).")
        lines: list[str] = []
        while (line := await self.terminal.ask("  | ")) is not None:
            if line.strip() == ":end":
                return "\n".join(lines).strip()
            if line.strip() == ":cancel":
                self.say("Nothing was sent.")
                return ""
            lines.append(line)
        return ""

    async def handle_line(self, line: str) -> None:
        if line.startswith(":"):
            self._meta(line)
            return
        self.board.joined.setdefault(self.channel, set()).add(self.user)
        event: Event | None
        if line.isdigit():
            event = await self._press(int(line))
        elif line.startswith("/"):
            name, _, rest = line[1:].partition(" ")
            name, newline, first_line = name.partition("\n")
            rest = first_line + newline + rest if newline else rest
            event = Command(name, to_core_mentions(rest), self.actor, self.conversation)
        else:
            event = Message(to_core_mentions(line), self.actor, self.conversation)
        if event is not None:
            await self.show(await self.bot.handle(event), event)

    def _meta(self, line: str) -> None:
        verb, _, arg = line.partition(" ")
        arg = arg.strip().lstrip("@#")
        if verb == ":as" and arg:
            self.user = arg
            role = "an admin" if arg in self.admins else "not an admin (:admin changes that)"
            self.say(f"You are now @{arg}, {role}.")
        elif verb == ":in" and arg:
            self.channel = arg
            self.say(f"You are now in #{arg}.")
        elif verb == ":admin":
            self.admins ^= {self.user}
            now = "now an admin" if self.user in self.admins else "no longer an admin"
            self.say(f"@{self.user} is {now} (in this chat).")
        elif verb == ":cancel":
            self.say("There is no form open to cancel.")
        else:
            self.say(self._help())

    async def _press(self, number: int) -> Event | None:
        pressable = self.board.pressables.get(number)
        if pressable is None:
            if not self.board.pressables:
                self.say(
                    f"There is no button {number} yet: buttons appear as [1], [2] … beside "
                    "messages, and typing the number presses one."
                )
            else:
                last = len(self.board.pressables)
                self.say(f"There is no button {number}; the buttons so far are 1 to {last}.")
            return None
        control = pressable.control
        if isinstance(control, Button):
            value = control.value
        else:
            chosen = await self._choose(control)
            if chosen is None:
                return None
            value = chosen
        return Action(
            control.action_id, value, self.actor, pressable.conversation, message=pressable.ref
        )

    async def _choose(self, select: Select) -> str | None:
        for index, option in enumerate(select.options, start=1):
            self.say(f"  {index}. {option.label}")
        answer = await self.terminal.ask(f"{select.placeholder} (number)> ")
        if answer is None or answer.strip() == ":cancel":
            return None
        text = answer.strip()
        if not text.isdigit() or not 1 <= int(text) <= len(select.options):
            self.say(f"Nothing chosen: pick a number from 1 to {len(select.options)}.")
            return None
        return select.options[int(text) - 1].value

    async def show(self, outcome: Outcome, event: Event) -> None:
        """The answer goes to the renderer; a form it hands back is asked here until it is
        saved (or the next page is asked), or the person cancels it."""
        filler = await self.renderer.render(outcome, Where(event), Surface.LINE)
        while filler is not None:
            try:
                values = await filler.ask()
            except Cancelled:
                self.say("Form cancelled; nothing was saved.")
                return
            submission = filler.submission(values, self.actor, event.conversation)
            outcome = await self.bot.handle(submission)
            filler = await self.renderer.render(outcome, Where(submission, filler), Surface.FORM)


async def chat(
    bot: AlignBot,
    user: str,
    stdin: TextIO,
    stdout: TextIO,
    admins: set[str] | None = None,
) -> None:
    read_line, typed_so_far = _line_reader(stdin, stdout)
    terminal = Terminal(stdout, read_line, typed_so_far)
    board = Board()
    bot.messenger.connect(PLATFORM, ConsoleMessenger(terminal, board))
    chosen = {user} if admins is None else admins
    await ConsoleChat(bot, user, terminal, board, chosen).run()


def _line_reader(
    stdin: TextIO, stdout: TextIO
) -> tuple[Callable[[], str], Callable[[], str] | None]:
    """On a terminal, readline's `input` (line editing, and what was typed so far for redraws);
    otherwise plain lines (pipes, tests)."""
    if not (stdin is sys.stdin and stdout is sys.stdout and stdin.isatty()):
        return stdin.readline, None
    try:
        import readline
    except ImportError:  # pragma: no cover - platforms without readline
        return stdin.readline, None

    def read() -> str:
        try:
            return input() + "\n"
        except EOFError:
            return ""

    return read, readline.get_line_buffer
