"""The whole insight flow through Slack: signed requests in, the real Slack messenger out to
the fake Slack Web API on 127.0.0.1 (Block Kit, modals, chat.update in place)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.feature import Feature
from storage.repositories import insights as repo
from tests.slack.harness import SlackHarness, initial_values


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature, as in production


def shown(payload: dict[str, Any]) -> str:
    return json.dumps([payload.get("text"), payload.get("blocks")], ensure_ascii=False)


async def run(slack: SlackHarness, line: str, **kwargs: Any) -> None:
    assert (await slack.command(line, **kwargs)).status == 200
    await slack.settle()


async def submit(slack: SlackHarness, values: dict[str, Any], user: str) -> None:
    view = slack.fake.called("views.open")[-1]["view"]
    answer = await slack.submit(view, {**initial_values(view), **values}, user=user)
    assert answer.text == "", answer.text
    await slack.settle()


async def copies(slack: SlackHarness) -> dict[str, str]:
    """channel -> ts of each posted copy of insight 1, as stored for in-place updates."""
    async with slack.bot.ctx.db.transaction() as session:
        return {c.channel_id: c.message_id for c in await repo.deliveries(session, 1)}


def latest(slack: SlackHarness, channel: str, ts: str) -> dict[str, Any]:
    updates = [
        u for u in slack.fake.called("chat.update") if (u["channel"], u["ts"]) == (channel, ts)
    ]
    assert updates, f"the copy in {channel} was never updated"
    return updates[-1]


async def test_share_answer_disagree_and_retract_through_slack(slack: SlackHarness) -> None:
    await run(slack, "/insight subscribe <#C10|research> onboarding checkout")
    await run(slack, "/insight subscribe here onboarding", channel="C11")
    await run(slack, "/insight follow checkout", user="U7")
    await run(slack, "/insight new", user="UA")
    await submit(
        slack,
        {
            "title": "Sign-up <!channel> loses *half* of users",
            "finding": "Seven of twelve stopped at <https://evil.test|this link>.",
            "method": "interview",
            "confidence": "high",
            "tags": "onboarding, checkout",
        },
        user="UA",
    )
    posts = slack.fake.called("chat.postMessage")
    assert sorted(p["channel"] for p in posts) == ["C10", "C11", "DU7"]
    card = shown(posts[0])
    assert "Sign-up &lt;!channel&gt; loses" in card
    assert "<!channel>" not in card
    assert "<https://evil.test" not in card
    placed = await copies(slack)
    assert set(placed) == {"C10", "C11", "DU7"}

    await slack.click(posts[0], "insight.act", user="U5", channel="C10", ts=placed["C10"])
    await slack.settle()
    for channel, ts in placed.items():
        assert "Will act 1" in shown(latest(slack, channel, ts))

    await slack.click(posts[1], "insight.disagree", user="U6", channel="C11", ts=placed["C11"])
    await slack.settle()
    assert "Why do you disagree" in json.dumps(slack.fake.called("views.open")[-1])
    await submit(slack, {"reason": "Only power users were asked"}, user="U6")
    for channel, ts in placed.items():
        assert "Will act 1 · Disagree 1" in shown(latest(slack, channel, ts))

    await run(slack, "/insight retract 1 confirm", user="UA")
    for channel, ts in placed.items():
        retracted = latest(slack, channel, ts)
        assert "RETRACTED" in shown(retracted)
        assert all(block["type"] != "actions" for block in retracted["blocks"])
