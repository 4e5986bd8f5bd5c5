"""One grammar for every platform: maps commands, messages, actions and forms to handlers.

A Slack slash command `/who owns x`, a Teams message "who owns x?", `@alignbot who owns x` and
`/alignbot who owns x` all become `Command("who", "owns x")`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from rapidfuzz import process

from bot import logs
from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Command, Event, Message, Submission
from bot.feature import ActionHandler, CommandSpec, Feature, SubmissionHandler
from bot.replies import Outcome
from bot.subcommands import ASKS_FOR_HELP, choose, ensure_allowed, explain, read_args, unknown

T = TypeVar("T")

MAX_COMMAND_CHARS = 20_000
UMBRELLA = "alignbot"  # `/alignbot <command> ...` reaches every command through one slash command
GREETINGS = frozenset({"", "help", "hi", "hello", "hey", "?", "commands"})
_LEADING_NOISE = re.compile(r"^\s*(?:<@[^>]+>|@?alignbot\b)?[\s,:]*/?", re.IGNORECASE)


class Router:
    def __init__(self, features: Sequence[Feature]) -> None:
        self.commands: dict[str, CommandSpec] = {}
        self.actions: dict[str, ActionHandler] = {}
        self.forms: dict[str, SubmissionHandler] = {}
        self._owners: dict[tuple[type[Event], str], str] = {}  # (event type, name) -> feature
        for feature in features:
            self._register(feature)

    def _register(self, feature: Feature) -> None:
        for spec in feature.commands:
            _claim(self.commands, spec.name, spec, feature.name)
            self._owners[Command, spec.name] = feature.name
        for action_id, action in feature.actions.items():
            _claim(self.actions, action_id, action, feature.name)
            self._owners[Action, action_id] = feature.name
        for form_id, form in feature.forms.items():
            _claim(self.forms, form_id, form, feature.name)
            self._owners[Submission, form_id] = feature.name

    async def route(self, event: Event, ctx: Context) -> Outcome:
        """Runs the matching handler; `UserError` propagates for the caller to show."""
        match event:
            case Message():
                return await self._route_command(self.parse(event), ctx)
            case Command():
                return await self._route_command(event, ctx)
            case Action():
                action = self.actions.get(event.action_id)
                if action is None:
                    raise UserError("That button is from an older version of alignbot; ask again.")
                self._taken_by(Action, event.action_id)
                return await action(event, ctx)
            case Submission():
                form = self.forms.get(event.form_id)
                if form is None:
                    raise UserError("That form has expired; please open it again.")
                self._taken_by(Submission, event.form_id)
                return await form(event, ctx)

    def parse(self, message: Message) -> Command:
        """Reads free text as a command: the first word names it, the rest is its text."""
        body = _LEADING_NOISE.sub("", message.text, count=1).strip()
        name, _, rest = body.partition(" ")
        return Command(
            name.lower().rstrip("?!.,:"), rest.strip(), message.actor, message.conversation
        )

    def resolve(self, command: Command) -> tuple[CommandSpec, Command]:
        """The command's spec, with the umbrella (`/alignbot vote …`) and help (`/vote help`)
        unwrapped; an unknown or overlong command is a `UserError`."""
        name = command.name.lower().lstrip("/")
        text = command.text.strip()
        if name == UMBRELLA:
            head, _, tail = text.partition(" ")
            name, text = head.lower(), tail.strip()
        if len(text) > MAX_COMMAND_CHARS:
            raise UserError(
                f"That message is {len(text):,} characters long; I can read up to "
                f"{MAX_COMMAND_CHARS:,}. Please shorten it."
            )
        if name in GREETINGS:
            name = "help" if "help" in self.commands else name
        elif text.casefold() in ASKS_FOR_HELP and "help" in self.commands:
            name, text = "help", name  # `/raci help` is `help raci`: every command has help
        spec = self.commands.get(name)
        if spec is None:
            raise UserError(self._unknown(name))
        return spec, replace(command, name=name, text=text)

    async def _route_command(self, command: Command, ctx: Context) -> Outcome:
        spec, command = self.resolve(command)
        self._taken_by(Command, spec.name)
        if spec.handler is not None:
            return await spec.handler(command, ctx)
        return await self._run_declared(spec, command, ctx)

    async def _run_declared(self, spec: CommandSpec, command: Command, ctx: Context) -> Outcome:
        """Parses a declared subcommand (`bot.subcommands`): scope word, verb, who, arguments."""
        chosen = choose(spec, command.text)
        scope = None
        if spec.scope is not None and chosen.scope_word:
            scope = await spec.scope.resolve(chosen.scope_word, command, ctx)
            if scope is None:
                known = await spec.scope.known(command, ctx)
                raise UserError(unknown(spec, chosen.scope_word, known))
        if chosen.sub is None:
            if chosen.word.casefold() in {"", *ASKS_FOR_HELP} and "help" in self.commands:
                return await self._route_command(replace(command, name="help", text=spec.name), ctx)
            raise UserError(unknown(spec, chosen.word))
        ensure_allowed(chosen.sub, command.actor)
        if chosen.rest.casefold() in ASKS_FOR_HELP:
            return explain(spec, chosen.sub)
        return await chosen.sub.handler(
            command, read_args(spec, chosen.sub, chosen.rest, scope), ctx
        )

    def _taken_by(self, kind: type[Event], name: str) -> None:
        """Names the handling feature in log lines and metrics (see `bot.logs`)."""
        logs.bind(feature=self._owners[kind, name])

    def _unknown(self, name: str) -> str:
        known = sorted(self.commands)
        guess = process.extractOne(name, known, score_cutoff=70)
        hint = f" Did you mean `{guess[0]}`?" if guess else ""
        return (
            f"I don't know the command `{name[:40]}`.{hint} Type `help` to see everything I can do."
        )


def _claim(registry: dict[str, T], key: str, value: T, owner: str) -> None:
    if key in registry:
        raise ValueError(f"{owner} registers {key!r}, which another feature already handles")
    registry[key] = value
