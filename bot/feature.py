"""How a feature declares what it handles; the router discovers `FEATURE` in each module."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from apscheduler.triggers.base import BaseTrigger
from pydantic_settings import BaseSettings

from bot.events import Action, Command, Submission
from bot.mentions import MentionedUser
from bot.replies import Outcome

if TYPE_CHECKING:
    from bot.context import Context

CommandHandler = Callable[[Command, "Context"], Awaitable[Outcome]]
SubcommandHandler = Callable[[Command, "Args", "Context"], Awaitable[Outcome]]
ActionHandler = Callable[[Action, "Context"], Awaitable[Outcome]]
SubmissionHandler = Callable[[Submission, "Context"], Awaitable[Outcome]]
TickHandler = Callable[["Context"], Awaitable[None]]


@dataclass(frozen=True)
class Example:
    command: str
    meaning: str


class ArgKind(StrEnum):
    """How the router reads one argument (`bot.subcommands`); anything finer is the feature's."""

    WORD = "word"  # one word as typed
    TEXT = "text"  # everything left on the line
    NUMBER = "number"  # a whole number: `12` or `#12`
    PERSON = "person"  # exactly one @mention


@dataclass(frozen=True)
class Arg:
    """One argument of a subcommand; `label` names it in usage lines and error messages."""

    name: str
    kind: ArgKind = ArgKind.WORD
    required: bool = True
    label: str = ""

    @property
    def called(self) -> str:
        return self.label or self.name


class Who(StrEnum):
    """Who may run a subcommand; the router refuses anyone else before parsing arguments."""

    ANYONE = "anyone"
    ADMINS = "workspace admins"


@dataclass(frozen=True)
class Subcommand:
    """`/digest send`: a verb of a command, with its typed arguments, who may run it, its help
    line and examples. `doing` completes "Only workspace admins can …" when `who` refuses."""

    name: str
    summary: str
    handler: SubcommandHandler
    args: tuple[Arg, ...] = ()
    examples: tuple[Example, ...] = ()
    who: Who = Who.ANYONE
    doing: str = ""
    aliases: tuple[str, ...] = ()
    scoped: bool = True  # may follow the command's scope word (`/standup design stats`)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Scope:
    """A word a command takes before its subcommand (`/standup design stats`: a team).
    `resolve` finds what it names, or None; `known` lists the names for "did you mean"."""

    noun: str
    resolve: Callable[[str, Command, Context], Awaitable[object | None]]
    known: Callable[[Command, Context], Awaitable[list[str]]]
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Args:
    """A subcommand's arguments as the router read them, by name."""

    values: Mapping[str, str | int | MentionedUser | None]
    rest: str = ""  # everything after the subcommand, as typed
    scope: object | None = None  # what the command's `Scope` resolved, if a word named it

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return value if isinstance(value, str) else ""

    def number(self, name: str) -> int | None:
        value = self.values.get(name)
        return value if isinstance(value, int) else None

    def person(self, name: str) -> MentionedUser | None:
        value = self.values.get(name)
        return value if isinstance(value, MentionedUser) else None


@dataclass(frozen=True)
class CommandSpec:
    """A command. Either `handler` reads the text itself, or the router parses it into the
    declared `subcommands` (`default` runs when none is named) and checks who may run them.
    Examples, when not given, are the default's, the subcommands' and the scope's in order."""

    name: str
    summary: str
    handler: CommandHandler | None = None
    examples: tuple[Example, ...] = ()
    # Typed after the umbrella (`/alignbot my data`), with no slash command of its own.
    umbrella_only: bool = False
    subcommands: tuple[Subcommand, ...] = ()
    default: Subcommand | None = None
    scope: Scope | None = None

    def __post_init__(self) -> None:
        declared = bool(self.subcommands or self.default)
        if declared == (self.handler is not None):
            raise ValueError(f"command {self.name!r}: give a handler or subcommands, not both")
        if declared and not self.examples:
            subs = list(self.subcommands)
            if self.default is not None and self.default not in subs:
                subs.insert(0, self.default)
            found = [e for sub in subs for e in sub.examples]
            found += self.scope.examples if self.scope else ()
            object.__setattr__(self, "examples", tuple(found))

    @property
    def typed(self) -> str:
        """How it is typed in messages and errors: `/digest`, or `/alignbot my`."""
        return f"/alignbot {self.name}" if self.umbrella_only else f"/{self.name}"

    def subcommand(self, word: str, *, scoped: bool = False) -> Subcommand | None:
        word = word.casefold()
        for sub in self.subcommands:
            if word in sub.names and (sub.scoped or not scoped):
                return sub
        return None


@dataclass(frozen=True)
class Tick:
    """A periodic job: it finds what is due and claims each run (`bot.claims.run_once`);
    `at_start` runs it when the scheduler starts as well, not only one interval later."""

    name: str
    every_seconds: int
    run: TickHandler
    at_start: bool = False


@dataclass(frozen=True)
class CronJob:
    """A job at wall-clock times kept in storage (a team's weekly digest).

    `run` receives the fire time it stands for, so a late or repeated run claims the same
    period. A fire missed by less than `grace` (a restart, a busy replica) still runs once,
    unless it fell before `not_before` (the schedule did not exist or said otherwise then).
    """

    job_id: str
    trigger: BaseTrigger
    run: Callable[[datetime], Awaitable[None]]
    grace_seconds: int = 6 * 3600
    not_before: datetime | None = None


CronSource = Callable[["Context"], Awaitable[list[CronJob]]]


@dataclass(frozen=True)
class Feature:
    """What one feature handles. `depends_on` names the features it uses (checked at start);
    `settings`, its own settings class, which the core builds once from the environment and
    hands over as `ctx.feature_settings.of(cls)` (see `bot.feature_settings`)."""

    name: str
    commands: tuple[CommandSpec, ...] = ()
    actions: Mapping[str, ActionHandler] = field(default_factory=dict)
    forms: Mapping[str, SubmissionHandler] = field(default_factory=dict)
    ticks: tuple[Tick, ...] = ()
    cron: CronSource | None = None
    depends_on: tuple[str, ...] = ()
    settings: type[BaseSettings] | None = None


class DependencyError(ValueError):
    """A feature depends on one the bot does not run, or features depend on each other in a
    circle: the start fails with this one line."""


def check_dependencies(features: Sequence[Feature]) -> None:
    """Every `depends_on` names a feature that runs, and no dependencies form a cycle."""
    by_name = {f.name: f for f in features}
    for feature in features:
        missing = [name for name in feature.depends_on if name not in by_name]
        if missing:
            raise DependencyError(
                f"feature {feature.name!r} depends on {', '.join(map(repr, missing))}, "
                "which this bot does not run"
            )
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            cycle = " -> ".join((*path[path.index(name) :], name))
            raise DependencyError(f"features depend on each other in a cycle: {cycle}")
        if name not in done:
            for needed in by_name[name].depends_on:
                visit(needed, (*path, name))
            done.add(name)

    for feature in features:
        visit(feature.name, ())


def discover_features() -> list[Feature]:
    """Every `bot.features.*` module's FEATURE, so adding a feature touches no shared file."""
    import bot.features

    features: list[Feature] = []
    for module_info in sorted(pkgutil.iter_modules(bot.features.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bot.features.{module_info.name}")
        feature = getattr(module, "FEATURE", None)
        if isinstance(feature, Feature):
            features.append(feature)
    return features
