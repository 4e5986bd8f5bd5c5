"""Retries connector calls the service throttled (429) or could not serve (503): nothing dropped.

The Bot Connector asks bots to back off on 429/503 and often says for how long (`Retry-After`).
We wait at least that long, else an exponential delay with jitter, and give up only after
`attempts` tries, logging what was lost so an operator can see it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from adapters.teams.inbound import PLATFORM
from bot.metrics import Metrics

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRYABLE = frozenset({429, 502, 503, 504})
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0

    def backoff(self, attempt: int) -> float:
        """Exponential delay for the n-th retry (1-based), with up to 25% jitter."""
        delay: float = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return delay * (1 + random.random() / 4)


def status_of(error: BaseException) -> int | None:
    """The HTTP status of a failed connector call (msrest's HttpOperationError), if any."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def retry_after(error: BaseException, now: datetime | None = None) -> float | None:
    """Seconds the service asked us to wait: `Retry-After` as seconds or as an HTTP date."""
    headers: Any = getattr(getattr(error, "response", None), "headers", None) or {}
    raw = headers.get("Retry-After") if hasattr(headers, "get") else None
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(str(raw))
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    what: str,
    metrics: Metrics,
    sleep: Sleep = asyncio.sleep,
) -> T:
    """Runs `call`, retrying throttling/unavailable answers; other errors propagate at once.
    `metrics` times the whole call (retries included) under `what` and counts each 429."""
    method = what.replace(" ", "_")
    with metrics.platform_call(PLATFORM, method):
        return await _retrying(call, policy, what, method, metrics, sleep)


async def _retrying(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    what: str,
    method: str,
    metrics: Metrics,
    sleep: Sleep,
) -> T:
    attempt = 1
    while True:
        try:
            return await call()
        except Exception as error:
            status = status_of(error)
            if status == 429:
                metrics.throttled(PLATFORM, method)
            if status not in RETRYABLE:
                raise
            if attempt >= policy.attempts:
                log.error("Teams %s still refused (%s) after %d tries", what, status, attempt)
                raise
            asked = retry_after(error)
            delay = max(asked or 0.0, policy.backoff(attempt))
            log.warning("Teams %s answered %s; retry %d in %.2fs", what, status, attempt, delay)
            await sleep(delay)
            attempt += 1
