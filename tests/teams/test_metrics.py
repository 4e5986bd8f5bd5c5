"""/metrics and JSON logs for real Activities posted to the Teams endpoint."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot import logs
from tests.support.metrics import buckets, scrape, value
from tests.teams.activities import TENANT, message
from tests.teams.conftest import TeamsHarness

REQUESTS = "alignbot_http_request_seconds"
HANDLED = "alignbot_handle_seconds"
CALLS = "alignbot_platform_call_seconds_count"


async def test_an_activity_moves_the_histograms_and_429s_are_counted(
    teams: TeamsHarness,
) -> None:
    activity = {"route": "/api/messages", "kind": "message", "status": "201"}
    handled = {"kind": "message", "feature": "roles"}
    before = await scrape(teams.session, teams.url)
    teams.connector.fail_next(2, status=429, retry_after="0")

    response = await teams.send(message(teams.service_url, "who owns the roadmap?"))
    assert response.status == 201
    after = await scrape(teams.session, teams.url)

    for name, labels in ((REQUESTS, activity), (HANDLED, handled)):
        was, now = buckets(before, name, **labels), buckets(after, name, **labels)
        assert now["+Inf"] - was.get("+Inf", 0) == 1, name
        assert now["10.0"] - was.get("10.0", 0) == 1, name
    throttled = "alignbot_platform_rate_limited_total"
    assert value(after, throttled, platform="teams", method="reply") == 2
    assert value(after, CALLS, platform="teams", method="reply", outcome="ok") == 1
    assert len(teams.connector.of_kind("reply")) == 1


async def test_a_connector_that_keeps_refusing_counts_as_an_error(teams: TeamsHarness) -> None:
    teams.connector.fail_next(4, status=429, retry_after="0")  # every attempt FAST allows
    await teams.send(message(teams.service_url, "who owns the roadmap?"))
    samples = await scrape(teams.session, teams.url)
    assert value(samples, CALLS, platform="teams", method="reply", outcome="error") == 1
    assert value(samples, "alignbot_platform_rate_limited_total", method="reply") == 4


async def test_json_log_lines_carry_the_activity_id_and_tenant(
    teams: TeamsHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    written = io.StringIO()
    handler = logs.handler("json", written)
    logging.getLogger().addHandler(handler)
    try:
        activity = message(teams.service_url, "who owns the roadmap?")
        await teams.send(activity)
        await teams.send(activity)  # the Bot Framework resends it: logged as a redelivery
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    redelivered = next(line for line in lines if "redelivered" in line["message"])
    assert redelivered["event_id"] == activity["id"]
    assert redelivered["workspace"] == TENANT
    assert "roadmap" not in written.getvalue()
