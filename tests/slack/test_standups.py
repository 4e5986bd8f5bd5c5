"""The stand-up through Slack for real: signed requests in, slack_sdk out to the fake Web API."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.feature import Feature
from bot.features.standups import jobs
from storage.models.standups import StandupSummary
from tests.slack.harness import SlackHarness, initial_values
from tests.support.recording import FakeClock


@pytest.fixture
def features() -> list[Feature] | None:
    """Every real feature, as in production."""
    return None


def _said(payload: dict[str, Any]) -> str:
    return json.dumps([payload.get("text"), payload.get("blocks")], ensure_ascii=False)


async def _modal(slack: SlackHarness) -> dict[str, Any]:
    await slack.settle()
    opened = slack.fake.called("views.open")
    assert opened, "no modal was opened"
    view: dict[str, Any] = opened[-1]["view"]
    return view


async def test_setup_prompt_answer_and_threaded_summary_through_slack(
    slack: SlackHarness, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday
    assert (await slack.command("/standup setup Design")).status == 200
    setup_view = await _modal(slack)
    values = {**initial_values(setup_view), "members": ["U1"], "summary_time": "16:00"}
    assert values["name"] == "Design"
    saved = await slack.submit(setup_view, values)
    assert saved.status == 200
    await slack.settle()
    assert "created" in _said(slack.fake.called("chat.postEphemeral")[-1])

    clock.current = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # 09:30 in U1's Berlin profile
    await jobs.tick(slack.bot.ctx)
    (prompt,) = slack.fake.called("chat.postMessage")
    assert prompt["channel"] == "DU1"
    assert "Time for your" in _said(prompt)

    await slack.click(prompt, "standup.open", channel="DU1")
    answer_view = await _modal(slack)
    too_long = {"q0": "x" * 3001, "q1": "Usability test", "q2": "Waiting for legal"}
    refused = await slack.submit(answer_view, too_long)
    assert refused.json()["response_action"] == "errors"
    assert "3,001 characters" in json.dumps(refused.json()["errors"])
    accepted = await slack.submit(answer_view, {**too_long, "q0": "Wireframes"})
    assert accepted.status == 200
    assert accepted.text == "", accepted.text
    await slack.settle()

    clock.current = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    await jobs.tick(slack.bot.ctx)
    posts = slack.fake.called("chat.postMessage")
    assert "is saved" in _said(posts[1])  # the confirmation lands in the DM the form came from
    assert posts[1]["channel"] == "DU1"
    parent, thread_reply = posts[2:]
    assert parent["channel"] == "C1"
    assert "Waiting for legal" in _said(parent)
    async with slack.bot.ctx.db.transaction() as session:
        (summary,) = (await session.exec(select(StandupSummary))).all()
    assert thread_reply["channel"] == "C1"
    assert thread_reply["thread_ts"] == summary.message_id
    assert "Wireframes" in _said(thread_reply)
