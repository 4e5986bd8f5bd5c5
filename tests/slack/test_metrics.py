"""/metrics and JSON logs for real signed Slack requests, scraped and parsed as Prometheus does."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from prometheus_client.samples import Sample

from bot import logs
from tests.slack.harness import SlackHarness
from tests.support.fake_slack import TEAM
from tests.support.metrics import buckets, scrape, value

REQUESTS = "alignbot_http_request_seconds"
HANDLED = "alignbot_handle_seconds"
CALLS = "alignbot_platform_call_seconds_count"
THROTTLED = "alignbot_platform_rate_limited_total"


async def metrics(slack: SlackHarness) -> list[Sample]:
    return await scrape(slack.session, slack.url.removesuffix("/slack/events"))


def moved(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {le: after[le] - before.get(le, 0.0) for le in after}


async def test_a_signed_command_moves_the_request_and_handler_histograms(
    slack: SlackHarness,
) -> None:
    command = {"route": "/slack/events", "kind": "command", "status": "200"}
    handled = {"kind": "command", "feature": "probe"}
    before = await metrics(slack)

    assert (await slack.command("/probe shout hello")).status == 200
    await slack.settle()
    after = await metrics(slack)

    request_moves = moved(buckets(before, REQUESTS, **command), buckets(after, REQUESTS, **command))
    assert request_moves["+Inf"] == 1
    assert request_moves["10.0"] == 1  # a finite bucket too: the ack took under 10 s
    handler_moves = moved(buckets(before, HANDLED, **handled), buckets(after, HANDLED, **handled))
    assert handler_moves["+Inf"] == 1
    assert handler_moves["10.0"] == 1
    assert value(after, CALLS, platform="slack", method="chat.postMessage", outcome="ok") == 1
    assert value(after, "alignbot_handler_failures_total") == 0


async def test_a_refused_request_is_counted_with_its_status(slack: SlackHarness) -> None:
    await slack.send("command=%2Fprobe", "application/x-www-form-urlencoded", signature="v0=bad")
    samples = await metrics(slack)
    assert value(samples, f"{REQUESTS}_count", route="/slack/events", status="401") == 1


async def test_429s_are_counted_by_method_and_the_call_by_its_outcome(
    slack: SlackHarness,
) -> None:
    slack.fake.rate_limit("chat.postMessage", times=2, retry_after=0)
    slack.fake.rate_limit("response:r1", times=1, retry_after=0)
    await slack.command("/probe shout storm")
    await slack.command("/probe echo patience")
    await slack.settle()
    samples = await metrics(slack)
    assert value(samples, THROTTLED, platform="slack", method="chat.postMessage") == 2
    assert value(samples, THROTTLED, platform="slack", method="response_url") == 1
    # Each call is counted once, after its retries, by how it ended.
    assert value(samples, CALLS, method="chat.postMessage", outcome="ok") == 1
    assert value(samples, CALLS, method="response_url", outcome="ok") == 1


async def test_a_call_slack_refuses_counts_as_an_error(slack: SlackHarness) -> None:
    slack.fake.refuse("chat.postMessage", "channel_not_found")
    await slack.command("/probe shout nowhere")
    await slack.settle()
    samples = await metrics(slack)
    assert value(samples, CALLS, method="chat.postMessage", outcome="error") == 1
    assert value(samples, CALLS, method="chat.postMessage", outcome="ok") == 0


@pytest.fixture
def json_log(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """What `alignbot serve` writes to a log collector (ALIGNBOT_LOG_FORMAT=json)."""
    caplog.set_level(logging.INFO)
    written = io.StringIO()
    handler = logs.handler("json", written)
    logging.getLogger().addHandler(handler)
    yield written
    logging.getLogger().removeHandler(handler)


async def test_json_log_lines_carry_the_event_id_workspace_and_feature(
    slack: SlackHarness, json_log: io.StringIO
) -> None:
    await slack.dm("probe boom whisper-not-logged", event_id="EvLOGGED1")
    await slack.settle()
    await slack.dm("probe boom whisper-not-logged", event_id="EvLOGGED1")  # Slack's retry
    await slack.settle()

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    failure = next(line for line in lines if line["level"] == "ERROR")
    assert failure["event_id"] == "EvLOGGED1"
    assert failure["workspace"] == TEAM
    assert failure["feature"] == "probe"
    assert failure["replica"]
    assert "handler failed" in failure["message"]
    redelivered = next(line for line in lines if "redelivered" in line["message"])
    assert redelivered["event_id"] == "EvLOGGED1"
    assert "whisper" not in json_log.getvalue()
