"""How a feature declares what it handles; the router discovers `FEATURE` in each module."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from apscheduler.triggers.base import BaseTrigger

from bot.events import Action, Command, Submission
from bot.replies import Outcome

if TYPE_CHECKING:
    from bot.context import Context

CommandHandler = Callable[[Command, "Context"], Awaitable[Outcome]]
ActionHandler = Callable[[Action, "Context"], Awaitable[Outcome]]
SubmissionHandler = Callable[[Submission, "Context"], Awaitable[Outcome]]
TickHandler = Callable[["Context"], Awaitable[None]]


@dataclass(frozen=True)
class Example:
    command: str
    meaning: str


@dataclass(frozen=True)
class CommandSpec:
    name: str
    summary: str
    handler: CommandHandler
    examples: tuple[Example, ...] = ()
    # Typed after the umbrella (`/alignbot my data`), with no slash command of its own.
    umbrella_only: bool = False


@dataclass(frozen=True)
class Tick:
    """A periodic job: it finds what is due and claims each run (`bot.scheduler.run_once`);
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
    name: str
    commands: tuple[CommandSpec, ...] = ()
    actions: Mapping[str, ActionHandler] = field(default_factory=dict)
    forms: Mapping[str, SubmissionHandler] = field(default_factory=dict)
    ticks: tuple[Tick, ...] = ()
    cron: CronSource | None = None


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
