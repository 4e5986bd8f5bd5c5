"""Client-held data through the real Slack endpoint: an edited private_metadata changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.feature import Feature
from storage.models.standups import StandupAnswer
from tests.slack.harness import SlackHarness, initial_values
from tests.support.recording import FakeClock


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature


async def _modal(slack: SlackHarness) -> dict[str, Any]:
    await slack.settle()
    opened = slack.fake.called("views.open")
    assert opened, "no modal was opened"
    view: dict[str, Any] = opened[-1]["view"]
    return view


async def _answer_form(slack: SlackHarness, clock: FakeClock) -> dict[str, Any]:
    clock.current = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday
    await slack.command("/standup setup Design")
    setup = await _modal(slack)
    await slack.submit(setup, {**initial_values(setup), "members": ["U1"]})
    await slack.settle()
    await slack.command("/standup design")
    return await _modal(slack)


async def _answers(slack: SlackHarness) -> list[StandupAnswer]:
    async with slack.bot.ctx.db.transaction() as session:
        return list((await session.exec(select(StandupAnswer))).all())


def _said(slack: SlackHarness) -> str:
    sent = slack.fake.called("chat.postEphemeral") + slack.fake.called("chat.postMessage")
    return json.dumps([call.get("text") for call in sent] + [r for r in slack.fake.responses])


ANSWERS = {"q0": "Wireframes", "q1": "Usability test", "q2": "None"}


@pytest.mark.parametrize(
    "edit",
    [
        lambda sealed: sealed.replace("2026-11-23", "2020-01-01"),  # the day, signature kept
        lambda sealed: sealed.partition(".")[2].replace("2026-11-23", "2020-01-01"),  # unsigned
        lambda sealed: sealed.replace('"user":"U1"', '"user":"U2"'),
        lambda sealed: "A" + sealed[1:],  # the signature itself
    ],
)
async def test_an_edited_private_metadata_is_refused_and_stores_nothing(
    slack: SlackHarness, clock: FakeClock, edit: Any
) -> None:
    view = await _answer_form(slack, clock)
    assert "2026-11-23" in view["private_metadata"]
    edited = {**view, "private_metadata": edit(view["private_metadata"])}
    answer = await slack.submit(edited, ANSWERS)
    await slack.settle()
    assert answer.status == 200
    assert "Traceback" not in answer.text
    assert await _answers(slack) == []
    assert "expired" in _said(slack)
    accepted = await slack.submit(view, ANSWERS)  # the untouched form still works
    await slack.settle()
    assert accepted.status == 200
    assert [a.day.isoformat() for a in await _answers(slack)] == ["2026-11-23"]


async def test_another_user_cannot_submit_a_form_sealed_for_someone_else(
    slack: SlackHarness, clock: FakeClock
) -> None:
    view = await _answer_form(slack, clock)
    await slack.submit(view, ANSWERS, user="U2")
    await slack.settle()
    assert await _answers(slack) == []
