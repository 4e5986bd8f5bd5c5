"""The digest's evidence flags through Slack: signed commands, modals and a vote menu in, the
digest preview out through the response_url as Block Kit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.feature import Feature
from tests.slack.harness import SlackHarness, initial_values
from tests.support.recording import FakeClock

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature, as in production


async def _slack_run(slack: SlackHarness, line: str, user: str = "U1") -> None:
    assert (await slack.command(line, user=user)).status == 200
    await slack.settle()


async def _slack_form(slack: SlackHarness, values: dict[str, Any], user: str = "U1") -> None:
    view = slack.fake.called("views.open")[-1]["view"]
    answer = await slack.submit(view, {**initial_values(view), **values}, user=user)
    assert answer.text == "", answer.text
    await slack.settle()


async def test_evidence_flags_through_slack(slack: SlackHarness, clock: FakeClock) -> None:
    """Signed slash commands, modals and a vote menu in; the digest preview out through the
    response_url, Block Kit as Slack gets it."""
    clock.current = MONDAY
    await _slack_run(slack, "/vote new Which epic next?")
    await _slack_form(slack, {"items": "Search\nBilling\nExport", "method": "single"})
    (poll,) = [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "C1"]
    await _slack_run(slack, "/insight new", user="UA")
    await _slack_form(
        slack,
        {
            "title": "Teams export to spreadsheets",
            "finding": "Nine of ten export every Friday.",
            "method": "survey",
            "confidence": "medium",
            "items": "CSV export",
        },
        user="UA",
    )
    await _slack_run(slack, "/insight new", user="UA")
    await _slack_form(
        slack,
        {
            "title": "Search misses synonyms",
            "finding": "Six of eight searched for 'invoice' and found nothing.",
            "method": "usability_test",
            "confidence": "high",
            "items": "Search",
        },
        user="UA",
    )
    menu = next(
        e
        for block in poll["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
        if e["type"] == "static_select"
    )
    billing = next(o for o in menu["options"] if "Billing" in o["text"]["text"])
    await slack.click(poll, menu["action_id"], value=billing["value"], user="U2")
    await slack.settle()
    await _slack_run(slack, "/vote close 1")
    clock.current = FRIDAY
    await _slack_run(slack, "/digest preview")
    said = json.dumps(slack.fake.responses[-1][1], ensure_ascii=False)
    assert "vote 1 Which epic next?: top third with no linked insight: Billing" in said
    assert "Public insights of the last 90 days that no vote refers to: 1" in said
    assert "Teams export to spreadsheets (medium confidence), linked to CSV export" in said
