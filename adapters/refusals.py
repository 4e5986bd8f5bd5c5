"""Refused requests are logged by reason and count, never with their body, at a bounded rate.

An unauthenticated client decides how many refusals we log; so the first refusal of a burst is
logged at once and the rest are summed into one line per interval.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable

log = logging.getLogger("alignbot.refusals")

INTERVAL = 60.0


class RefusalLog:
    def __init__(
        self,
        platform: str,
        *,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.platform = platform
        self.interval = interval
        self._clock = clock
        self._pending: Counter[str] = Counter()
        self._logged_at: float | None = None

    def refused(self, status: int, reason: str) -> None:
        """Counts one refusal; `reason` must be our own words, never client data."""
        self._pending[f"{status} {reason}"] += 1
        now = self._clock()
        if self._logged_at is not None and now - self._logged_at < self.interval:
            return
        self._logged_at = now
        summary = ", ".join(f"{count} × {what}" for what, count in sorted(self._pending.items()))
        self._pending.clear()
        log.warning("%s: refused requests since the last report: %s", self.platform, summary)
