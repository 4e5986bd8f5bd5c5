"""Issue 16's blocker part through Slack for real: a team of five, a blocker naming a decision
stuck for three stand-up days, one DM to its Accountable, answered with buttons, in the digest.

Signed requests in, slack_sdk out to the fake Web API, the fake clock moved by hand.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.feature import Feature
from bot.features.standups import jobs
from tests.slack.harness import SlackHarness, initial_values
from tests.support.fake_slack import default_user
from tests.support.recording import FakeClock

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
TEAM_OF_FIVE = ["U1", "U2", "U3", "U4", "U5"]
BLOCKED = "Waiting on the pricing & packaging call"


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature, as in production


def _said(payload: dict[str, Any]) -> str:
    return json.dumps([payload.get("text"), payload.get("blocks")], ensure_ascii=False)


async def _answer(slack: SlackHarness, user: str, blocker: str) -> None:
    await slack.command("/standup", user=user, channel="C1")
    await slack.settle()
    view = slack.fake.called("views.open")[-1]["view"]
    done = await slack.submit(view, {"q0": "Wireframes", "q1": "Tests", "q2": blocker}, user=user)
    assert done.status == 200
    await slack.settle()


def _dms_to(slack: SlackHarness, user: str) -> list[dict[str, Any]]:
    return [p for p in slack.fake.called("chat.postMessage") if p["channel"] == f"D{user}"]


async def test_a_stuck_blocker_escalates_once_is_answered_and_reaches_the_digest(
    slack: SlackHarness, clock: FakeClock
) -> None:
    slack.fake.users["U0"] = {**default_user("U0"), "is_admin": True}
    clock.current = MONDAY
    await slack.command("/role assign <@U6|fay> Stakeholder", user="U0")
    await slack.command("/standup setup Design", user="U1")
    await slack.settle()
    setup = slack.fake.called("views.open")[-1]["view"]
    values = {**initial_values(setup), "members": TEAM_OF_FIVE, "summary_time": "16:00"}
    assert values["escalate"] == "3"
    assert (await slack.submit(setup, values)).status == 200
    await slack.settle()

    for day in range(3):
        clock.current = MONDAY + timedelta(days=day, hours=2)
        await _answer(slack, "U2", BLOCKED)
        await _answer(slack, "U3", "none")
        clock.current = MONDAY + timedelta(days=day, hours=8)  # 16:00 Berlin: the summary
        await jobs.tick(slack.bot.ctx)
        await slack.settle()
        assert len(_dms_to(slack, "U6")) == (1 if day == 2 else 0)

    (dm,) = _dms_to(slack, "U6")
    assert "Pricing &amp; packaging" in _said(dm)  # Slack escapes & in text
    posts = slack.fake.called("chat.postMessage")
    summary = [p for p in posts if p["channel"] == "C1" and "thread_ts" not in p][-1]
    assert "escalated to" in _said(summary)
    assert "no answer yet" in _said(summary)

    refused = await slack.click(dm, "standup.escalation.resolved", user="U2", channel="DU6")
    assert refused.status == 200
    await slack.settle()
    assert "Only the Accountable person" in json.dumps(slack.fake.responses[-1])

    await slack.click(dm, "standup.escalation.unblock", user="U6", channel="DU6")
    await slack.settle()
    assert "will unblock it" in json.dumps(slack.fake.called("chat.update"))

    clock.current = MONDAY + timedelta(days=3, hours=8)  # Thursday 16:00 Berlin: one day on
    await slack.click(dm, "standup.escalation.resolved", user="U6", channel="DU6")
    await slack.settle()
    answered = json.dumps([slack.fake.responses, slack.fake.called("chat.update")])
    assert "after 1.0 days" in answered  # the DM is replaced in place
    assert len(_dms_to(slack, "U6")) == 1

    clock.current = MONDAY + timedelta(days=4, hours=8)  # Friday
    await slack.command("/digest preview", user="U1", channel="C1")
    await slack.settle()
    digest = json.dumps(slack.fake.responses[-1], ensure_ascii=False)
    assert "Pricing &amp; packaging: 1 blocker escalated, 1 resolved" in digest
    assert "median 1.0 days to resolve" in digest
