"""`alignbot chat`: the product in a terminal. Same commands as Slack; forms become prompts,
buttons are chosen by number, proactive posts (stand-up prompts, broadcasts) are printed."""

from __future__ import annotations

import asyncio
import itertools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from adapters.local.render import controls, render, spans_to_text
from bot.app import AlignBot
from bot.events import (
    Action,
    Actor,
    Command,
    Conversation,
    Event,
    FormValue,
    Message,
    MessageRef,
    Submission,
)
from bot.replies import Button, Form, FormErrors, Input, InputKind, Outcome, Reply, Select

PLATFORM = "local"
WORKSPACE = "local"
_PERSON = re.compile(r"(?<![<\w])@([A-Za-z0-9_.\-]+)")
_CHANNEL = re.compile(r"(?<![<\w])#([A-Za-z0-9_.\-]+)")

HELP = """Type commands as in Slack (/who owns the roadmap) or plain (who owns the roadmap?).
  a number      press that button in the last answer
  :as NAME      speak as someone else (e.g. :as ana)   :in CHANNEL  move to #CHANNEL
  :quit         leave (Ctrl-D works too)"""


def to_core_mentions(line: str) -> str:
    """`@ana` and `#design` become the core's mention spelling, as Slack would send them."""
    line = _PERSON.sub(lambda m: f"<@{m.group(1)}|{m.group(1)}>", line)
    return _CHANNEL.sub(lambda m: f"<#{m.group(1)}|{m.group(1)}>", line)


@dataclass
class ConsoleMessenger:
    """Proactive output, printed with where it went."""

    out: TextIO
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _show(self, header: str, reply: Reply) -> None:
        self.out.write(f"\n{header}\n{render(reply)}\n")
        self.out.flush()

    async def post(self, conversation: Conversation, reply: Reply) -> MessageRef:
        ref = MessageRef(
            PLATFORM, conversation.workspace_id, conversation.channel_id, str(next(self._ids))
        )
        where = f"#{conversation.channel_id}" + (" (thread)" if conversation.thread_id else "")
        self._show(f"[{where}, message {ref.message_id}]", reply)
        return ref

    async def send_direct(self, workspace_id: str, user_id: str, reply: Reply) -> MessageRef:
        ref = MessageRef(PLATFORM, workspace_id, f"dm-{user_id}", str(next(self._ids)))
        self._show(f"[direct message to @{user_id}, message {ref.message_id}]", reply)
        return ref

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        self._show(f"[#{ref.channel_id}, message {ref.message_id} updated]", reply)


@dataclass
class ConsoleChat:
    bot: AlignBot
    user: str
    read_line: Callable[[], str]
    out: TextIO = field(default_factory=lambda: sys.stdout)
    channel: str = "general"
    last_reply: Reply | None = None

    @property
    def actor(self) -> Actor:
        return Actor(PLATFORM, WORKSPACE, self.user, self.user, None, is_admin=True)

    @property
    def conversation(self) -> Conversation:
        return Conversation(PLATFORM, WORKSPACE, self.channel)

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def ask(self, prompt: str) -> str | None:
        self.out.write(prompt)
        self.out.flush()
        line = await asyncio.to_thread(self.read_line)
        return None if line == "" else line.rstrip("\n")

    async def run(self) -> None:
        self.say(f"alignbot local chat: you are @{self.user} in #{self.channel}. {HELP}")
        while (line := await self.ask(f"\n{self.user}@#{self.channel}> ")) is not None:
            line = line.strip()
            if line in {":quit", ":q", ":exit"}:
                break
            if line:
                await self.handle_line(line)
        self.say("Bye.")

    async def handle_line(self, line: str) -> None:
        if line.startswith(":"):
            self._meta(line)
            return
        if line.isdigit() and self.last_reply is not None:
            event = await self._press(int(line))
        elif line.startswith("/"):
            name, _, rest = line[1:].partition(" ")
            event = Command(name, to_core_mentions(rest), self.actor, self.conversation)
        else:
            event = Message(to_core_mentions(line), self.actor, self.conversation)
        if event is not None:
            await self.show(await self.bot.handle(event))

    def _meta(self, line: str) -> None:
        verb, _, arg = line.partition(" ")
        arg = arg.strip().lstrip("@#")
        if verb == ":as" and arg:
            self.user = arg
            self.say(f"You are now @{arg}.")
        elif verb == ":in" and arg:
            self.channel = arg
            self.say(f"You are now in #{arg}.")
        else:
            self.say(HELP)

    async def _press(self, number: int) -> Event | None:
        assert self.last_reply is not None
        options = controls(self.last_reply)
        if not 1 <= number <= len(options):
            self.say(f"There is no button {number} in the last answer.")
            return None
        chosen = options[number - 1]
        if isinstance(chosen, Button):
            return Action(chosen.action_id, chosen.value, self.actor, self.conversation)
        return await self._choose(chosen)

    async def _choose(self, select: Select) -> Event | None:
        for index, option in enumerate(select.options, start=1):
            self.say(f"  {index}. {option.label}")
        answer = await self.ask(f"{select.placeholder} (number)> ")
        if answer is None or not answer.strip().isdigit():
            return None
        index = int(answer.strip())
        if not 1 <= index <= len(select.options):
            self.say("No such option.")
            return None
        return Action(
            select.action_id, select.options[index - 1].value, self.actor, self.conversation
        )

    async def show(self, outcome: Outcome) -> None:
        if isinstance(outcome, Reply):
            self.say(render(outcome))
            if controls(outcome):
                self.last_reply = outcome
                self.say("(type a number to press a button)")
        elif isinstance(outcome, Form):
            await self.fill(outcome)

    async def fill(self, form: Form) -> None:
        """Asks each input in turn; refused values are asked again, accepted ones kept."""
        self.say(
            f"== {form.title} ==  (Enter keeps the [default]; '-' leaves an optional field empty)"
        )
        if form.intro:
            self.say(spans_to_text(form.intro))
        values: dict[str, FormValue] = {}
        pending = list(form.inputs)
        while pending:
            try:
                for spec in pending:
                    values[spec.name] = await self._prompt(spec)
            except _Cancelled:
                self.say("Form cancelled; nothing was saved.")
                return
            submission = Submission(
                form.form_id, dict(values), self.actor, self.conversation, form.metadata
            )
            outcome = await self.bot.handle(submission)
            if not isinstance(outcome, FormErrors):
                await self.show(outcome)
                return
            for error in outcome.errors.values():
                self.say(f"  ! {error}")
            pending = [spec for spec in form.inputs if spec.name in outcome.errors]

    async def _prompt(self, spec: Input) -> FormValue:
        default = spec.initial if isinstance(spec.initial, str) else ", ".join(spec.initial or ())
        label = spec.label + (" (optional)" if not spec.required else "")
        if spec.options:
            for index, option in enumerate(spec.options, start=1):
                self.say(f"    {index}. {option.label}")
            label += " — number" + (
                "s, comma-separated" if spec.kind is InputKind.MULTI_SELECT else ""
            )
        if spec.hint:
            label += f" ({spec.hint})"
        if spec.kind is InputKind.MULTILINE:
            return await self._multiline(label, default)
        while True:
            answer = await self.ask(f"  {label}{f' [{default}]' if default else ''}: ")
            if answer is None:
                raise _Cancelled
            try:
                return _parse_answer(spec, answer.strip(), default)
            except _Invalid:
                self.say("  Please answer that one (or '-' to skip an optional field).")

    async def _multiline(self, label: str, default: str) -> FormValue:
        self.say(f"  {label} — several lines; finish with a line holding only '.'")
        if default:
            self.say(f"  [Enter '.' at once to keep:]\n{default}")
        lines: list[str] = []
        while (line := await self.ask("  | ")) is not None:
            if line.strip() == ".":
                return "\n".join(lines) if lines else default
            lines.append(line)
        raise _Cancelled


class _Cancelled(Exception):
    """The input ended in the middle of a form."""


class _Invalid(Exception):
    """An answer the form cannot take; the field is asked again."""


def _parse_answer(spec: Input, answer: str, default: str) -> FormValue:
    if answer == "-":
        if spec.required:
            raise _Invalid
        return None
    if not answer:
        if default:
            answer = default
        elif spec.required:
            raise _Invalid
        else:
            return None
    if spec.kind in (InputKind.SELECT, InputKind.MULTI_SELECT) and spec.options:
        chosen = _option_values(spec, answer)
        if chosen is None:
            raise _Invalid
        return chosen if spec.kind is InputKind.MULTI_SELECT else chosen[0]
    if spec.kind is InputKind.USERS:
        return [name.strip().lstrip("@") for name in re.split(r"[\s,]+", answer) if name.strip()]
    if spec.kind is InputKind.CHANNEL:
        return answer.lstrip("#")
    return answer


def _option_values(spec: Input, answer: str) -> list[str] | None:
    by_label = {option.label.casefold(): option.value for option in spec.options}
    values = {option.value for option in spec.options}
    chosen: list[str] = []
    for part in (p.strip() for p in answer.split(",") if p.strip()):
        if part.isdigit() and 1 <= int(part) <= len(spec.options):
            chosen.append(spec.options[int(part) - 1].value)
        elif part in values:
            chosen.append(part)
        elif part.casefold() in by_label:
            chosen.append(by_label[part.casefold()])
        else:
            return None
    return chosen or None


async def chat(bot: AlignBot, user: str, stdin: TextIO, stdout: TextIO) -> None:
    bot.messenger.connect(PLATFORM, ConsoleMessenger(stdout))
    await ConsoleChat(bot, user, stdin.readline, stdout).run()
