"""Everything a feature handler may use, handed to it explicitly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.cache import StampedCache
from bot.feature_settings import FeatureSettings
from bot.metrics import Metrics
from bot.ports import Clock, MessengerHub
from bot.settings import Settings
from storage.db import Database

if TYPE_CHECKING:
    from bot.feature import CommandSpec


@dataclass
class Context:
    db: Database
    messenger: MessengerHub
    clock: Clock
    settings: Settings
    commands: Sequence[CommandSpec] = field(default_factory=tuple)
    # This process's Prometheus registry: scheduled runs, platform calls, handler latency.
    metrics: Metrics = field(default_factory=Metrics)
    # Set by a running Scheduler: re-reads stored schedules now instead of at the next sync.
    reschedule: Callable[[], Awaitable[None]] | None = None
    # Teams, roles and RACI matrices as last read, valid while their workspace's stamp holds.
    cache: StampedCache = field(default_factory=StampedCache)
    # Each feature's own settings (`Feature.settings`), built once at start (or given by a test).
    feature_settings: FeatureSettings = field(default_factory=FeatureSettings)
