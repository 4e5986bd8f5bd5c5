"""Prometheus metrics served at /metrics, one registry per running bot.

A registry of its own (not prometheus_client's global one) keeps each replica's figures, and
each test's, apart. Everything recorded while events are handled is an in-memory update; the
only database read, the inbox and outbox depth, happens when /metrics is scraped
(`adapters.server`). Label values come from our own code (event kinds, feature names, API
method names), never from what a client sent, so the number of series stays small.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest

from bot.replica import REPLICA_ID

# Outcomes of one platform API call (after the SDK's own retries).
OK, ERROR, NO_ANSWER = "ok", "error", "no_answer"
# Outcomes of one scheduled run (`bot.scheduler.run_once`).
CLAIMED, RAN, FAILED, SKIPPED = "claimed", "ran", "failed", "skipped"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        Info(
            "alignbot_replica", "This process, as named in its log lines.", registry=registry
        ).info({"replica": REPLICA_ID})
        self.requests = Histogram(
            "alignbot_http_request_seconds",
            "HTTP requests by route, event kind and status: time to the response (the ack).",
            ["route", "kind", "status"],
            registry=registry,
        )
        self.handling = Histogram(
            "alignbot_handle_seconds",
            "Events answered by the core, by event kind and feature: time in the handler.",
            ["kind", "feature"],
            registry=registry,
        )
        self.failures = Counter(
            "alignbot_handler_failures",
            "Events whose handler failed unexpectedly (the person got an apology).",
            ["kind", "feature"],
            registry=registry,
        )
        self.platform_calls = Histogram(
            "alignbot_platform_call_seconds",
            "Slack Web API and Teams connector calls, by method and outcome "
            "(ok, error: the platform refused, no_answer: timeout or broken connection).",
            ["platform", "method", "outcome"],
            registry=registry,
        )
        self.rate_limited = Counter(
            "alignbot_platform_rate_limited",
            "429 answers from Slack or Teams (each one, including those retried).",
            ["platform", "method"],
            registry=registry,
        )
        self.scheduled_runs = Counter(
            "alignbot_scheduled_runs",
            "Scheduled runs by job and outcome: claimed here, skipped (another replica has it "
            "or had it), ran, failed.",
            ["job", "outcome"],
            registry=registry,
        )
        self.inbox_depth = Gauge(
            "alignbot_inbox_depth",
            "Acknowledged inbound deliveries not yet done, all replicas (read at scrape time; "
            "NaN when the database did not answer in time).",
            registry=registry,
        )
        self.outbox_depth = Gauge(
            "alignbot_outbox_depth",
            "Fan-out posts waiting to be delivered, all replicas (read at scrape time; NaN when "
            "the database did not answer in time).",
            registry=registry,
        )

    def request(self, route: str, kind: str, status: int, seconds: float) -> None:
        self.requests.labels(route, kind, str(status)).observe(seconds)

    def handled(self, kind: str, feature: str, seconds: float, *, failed: bool) -> None:
        self.handling.labels(kind, feature).observe(seconds)
        if failed:
            self.failures.labels(kind, feature).inc()

    @contextlib.contextmanager
    def platform_call(self, platform: str, method: str) -> Iterator[PlatformCall]:
        """Times one call; an exception counts as `error` when the platform answered (it
        carries a response) and as `no_answer` otherwise. The caller may set the outcome of
        an answer that raised nothing."""
        started = time.perf_counter()
        call = PlatformCall()
        try:
            yield call
        except Exception as error:
            call.outcome = ERROR if _answered(error) else NO_ANSWER
            raise
        finally:
            seconds = time.perf_counter() - started
            self.platform_calls.labels(platform, method, call.outcome).observe(seconds)

    def throttled(self, platform: str, method: str) -> None:
        self.rate_limited.labels(platform, method).inc()

    def scheduled_run(self, job: str, outcome: str) -> None:
        self.scheduled_runs.labels(job, outcome).inc()

    def depths(self, inbox: float, outbox: float) -> None:
        self.inbox_depth.set(inbox)
        self.outbox_depth.set(outbox)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


@dataclass
class PlatformCall:
    outcome: str = OK


def _answered(error: Exception) -> bool:
    """Whether a failed call got an HTTP answer: slack_sdk's SlackApiError and msrest's
    HttpOperationError both carry the response they got."""
    return getattr(error, "response", None) is not None


@dataclass
class RequestLabels:
    """What the HTTP layer learns from the adapter about the request being served."""

    kind: str = "none"


_request: contextvars.ContextVar[RequestLabels | None] = contextvars.ContextVar(
    "alignbot_request", default=None
)


@contextlib.contextmanager
def labelling_request() -> Iterator[RequestLabels]:
    """Around one HTTP request: adapters name its event kind with `request_kind`."""
    labels = RequestLabels()
    token = _request.set(labels)
    try:
        yield labels
    finally:
        _request.reset(token)


def request_kind(kind: str) -> None:
    """Names the kind of event the HTTP request being served carried (command, action,
    message, invoke...); nothing happens outside a request (Socket Mode, resumed work)."""
    labels = _request.get()
    if labels is not None:
        labels.kind = kind
