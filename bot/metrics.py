"""Counters served at /metrics in Prometheus' text format; cheap enough for every event."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Metrics:
    events: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    handle_seconds_total: float = 0.0

    def observe(self, kind: str, seconds: float, *, failed: bool) -> None:
        self.events[kind] += 1
        self.handle_seconds_total += seconds
        if failed:
            self.failures[kind] += 1

    def exposition(self) -> str:
        lines = [
            "# HELP alignbot_events_total Events handled, by kind.",
            "# TYPE alignbot_events_total counter",
            *(f'alignbot_events_total{{kind="{k}"}} {v}' for k, v in sorted(self.events.items())),
            "# HELP alignbot_event_failures_total Events whose handler failed unexpectedly.",
            "# TYPE alignbot_event_failures_total counter",
            *(
                f'alignbot_event_failures_total{{kind="{k}"}} {v}'
                for k, v in sorted(self.failures.items())
            ),
            "# HELP alignbot_handle_seconds_total Time spent handling events.",
            "# TYPE alignbot_handle_seconds_total counter",
            f"alignbot_handle_seconds_total {self.handle_seconds_total:.6f}",
        ]
        return "\n".join(lines) + "\n"
