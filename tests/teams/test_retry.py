"""Throttling and unavailability are retried with backoff, honouring Retry-After."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from adapters.teams.retry import RetryPolicy, retry_after, with_retries
from bot.metrics import Metrics


@dataclass
class _Response:
    status_code: int
    headers: dict[str, str] = field(default_factory=dict)


class _HttpError(Exception):
    def __init__(self, status: int, retry_after: str | None = None) -> None:
        super().__init__(f"HTTP {status}")
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.response = _Response(status, headers)


@dataclass
class _Flaky:
    failures: list[Exception]
    calls: int = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "sent"


@dataclass
class _Sleeps:
    delays: list[float] = field(default_factory=list)

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


POLICY = RetryPolicy(attempts=5, base_delay=1.0, max_delay=8.0)


async def test_retry_after_is_honoured() -> None:
    flaky, sleeps = _Flaky([_HttpError(429, "7")]), _Sleeps()
    assert await with_retries(flaky, POLICY, what="post", metrics=Metrics(), sleep=sleeps) == "sent"
    assert flaky.calls == 2
    assert sleeps.delays == [7.0]


async def test_backoff_is_exponential_with_bounded_jitter_and_capped() -> None:
    errors: list[Exception] = [_HttpError(503) for _ in range(4)]
    flaky, sleeps = _Flaky(errors), _Sleeps()
    assert await with_retries(flaky, POLICY, what="post", metrics=Metrics(), sleep=sleeps) == "sent"
    for delay, base in zip(sleeps.delays, [1.0, 2.0, 4.0, 8.0], strict=True):
        assert base <= delay <= base * 1.25


async def test_gives_up_after_the_last_attempt_with_the_error() -> None:
    flaky, sleeps = _Flaky([_HttpError(429, "0") for _ in range(9)]), _Sleeps()
    with pytest.raises(_HttpError):
        await with_retries(flaky, POLICY, what="post", metrics=Metrics(), sleep=sleeps)
    assert flaky.calls == POLICY.attempts


async def test_other_errors_are_not_retried() -> None:
    flaky, sleeps = _Flaky([_HttpError(403)]), _Sleeps()
    with pytest.raises(_HttpError):
        await with_retries(flaky, POLICY, what="post", metrics=Metrics(), sleep=sleeps)
    assert flaky.calls == 1
    assert sleeps.delays == []


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
    error = _HttpError(503, "Mon, 23 Nov 2026 09:00:30 GMT")
    assert retry_after(error, now) == 30.0
    assert retry_after(_HttpError(503, "soon"), now) is None
    assert retry_after(_HttpError(503), now) is None
