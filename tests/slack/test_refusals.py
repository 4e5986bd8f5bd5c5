"""Requests Slack did not sign are refused with 401 unread, never 500, and never logged whole."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from urllib.parse import urlencode

import pytest

from tests.slack.harness import SlackHarness, sign
from tests.slack.probe import Seen

FORM = "application/x-www-form-urlencoded"
MARKER = "SECRET-BODY-MARKER"

UNSIGNED_BODIES = {
    "empty": ("", FORM),
    "not JSON": ("{" + MARKER, "application/json"),
    "payload= with garbage": (urlencode({"payload": "{" + MARKER}), FORM),
    "wrong content type": (MARKER, "text/plain"),
    "form without payload": (urlencode({"note": MARKER}), FORM),
    "large": (urlencode({"payload": MARKER * 20_000}), FORM),
}


@pytest.mark.parametrize("shape", UNSIGNED_BODIES)
@pytest.mark.parametrize("signature", ["v0=" + "0" * 64, "", "garbage"])
async def test_unsigned_bodies_are_401(
    slack: SlackHarness, seen: Seen, shape: str, signature: str
) -> None:
    body, content_type = UNSIGNED_BODIES[shape]
    headers = {} if signature else {"X-Slack-Signature": ""}
    answer = await slack.send(body, content_type, signature=signature or None, headers=headers)
    assert answer.status == 401
    assert "Traceback" not in answer.text
    assert seen.events == []


@pytest.mark.parametrize("timestamp", ["soon", "", "1e9", "١٢٣", "9" * 40, "-5"])
async def test_a_non_numeric_timestamp_header_is_401(
    slack: SlackHarness, seen: Seen, timestamp: str
) -> None:
    body = slack.command_body("/probe echo hi")
    headers = {"X-Slack-Request-Timestamp": timestamp}
    answer = await slack.send(body, FORM, signature=sign(slack.secret, 0, body), headers=headers)
    assert answer.status == 401
    assert seen.events == []


@pytest.mark.parametrize("shape", ["not JSON", "payload= with garbage"])
async def test_signed_but_malformed_bodies_are_400(slack: SlackHarness, shape: str) -> None:
    body, content_type = UNSIGNED_BODIES[shape]
    answer = await slack.send(body, content_type)
    assert answer.status == 400


@pytest.mark.parametrize("shape", ["empty", "wrong content type"])
async def test_signed_bodies_of_no_known_kind_are_bolts_unhandled_404(
    slack: SlackHarness, shape: str
) -> None:
    body, content_type = UNSIGNED_BODIES[shape]
    answer = await slack.send(body, content_type)
    assert answer.status == 404


async def test_bodies_that_are_not_utf8_are_401(slack: SlackHarness) -> None:
    now = int(time.time())
    raw = b"payload=\xff\xfe"
    digest = hmac.new(slack.secret.encode(), f"v0:{now}:".encode() + raw, hashlib.sha256)
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
    }
    async with slack.session.post(slack.url, data=raw, headers=headers) as response:
        assert response.status == 401  # Slack signs UTF-8 only


async def test_oversized_bodies_are_413(slack: SlackHarness, seen: Seen) -> None:
    body = urlencode({"payload": "x" * (1024 * 1024)})
    answer = await slack.send(body, FORM)  # correctly signed, still too large
    assert answer.status == 413
    assert seen.events == []


async def test_refused_bodies_never_reach_the_log_and_refusals_are_summarised(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for size in (400_000, 1_000_000):
        body = urlencode({"payload": MARKER + "x" * size})
        for _ in range(10):
            assert (await slack.send(body, FORM, signature="v0=00")).status in (401, 413)
    assert MARKER not in caplog.text
    assert len(caplog.text) < 4000  # 20 refused posts of 0.4–1 MB each logged 21 MB before
    summaries = [r for r in caplog.records if r.name == "alignbot.refusals"]
    assert len(summaries) == 1  # the first refusal; the rest are counted into the next report
