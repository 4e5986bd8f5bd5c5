"""Issue 16's "Done when" through Slack: signed requests into /slack/events, slack_sdk out to
the fake Web API, a fake clock moved by hand over one week (tests/support/decision_loop.py)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.feature import Feature
from bot.features import votes
from bot.features.standups import jobs
from storage.db import Database
from tests.slack.harness import SlackHarness, initial_values
from tests.support import decision_loop as week
from tests.support.fake_slack import default_user
from tests.support.recording import FakeClock

PEOPLE = {"U1": "sam", "U2": "ana", "U3": "cy", "U4": "dee", "U5": "ben"}
USER = {persona: user for user, persona in PEOPLE.items()}


@pytest.fixture
def sqlite_db(database: Database) -> Database:
    """The harness takes `sqlite_db`; here it is `database`, so the week runs on SQLite and
    on PostgreSQL."""
    return database


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature, as in production


def _said(payload: dict[str, Any]) -> str:
    return json.dumps([payload.get("text"), payload.get("blocks")], ensure_ascii=False)


def _dms_to(slack: SlackHarness, persona: str) -> list[dict[str, Any]]:
    channel = f"D{USER[persona]}"
    return [p for p in slack.fake.called("chat.postMessage") if p["channel"] == channel]


def _vote_message(slack: SlackHarness, poll_id: int) -> dict[str, Any]:
    """The vote's message as the channel shows it now: its last post or update."""
    shown = [
        call
        for call in slack.fake.called("chat.postMessage") + slack.fake.called("chat.update")
        if f"Vote {poll_id}: " in _said(call)
    ]
    updates = [c for c in shown if "ts" in c and c.get("channel") == "C1"]
    return (updates or shown)[-1]


async def _tick(slack: SlackHarness, name: str) -> None:
    await next(t for t in votes.FEATURE.ticks if t.name == name).run(slack.bot.ctx)
    await slack.settle()


async def _modal(slack: SlackHarness) -> dict[str, Any]:
    await slack.settle()
    view: dict[str, Any] = slack.fake.called("views.open")[-1]["view"]
    return view


async def _stand_up(slack: SlackHarness, persona: str, blocker: str) -> None:
    await slack.command("/standup", user=USER[persona], channel="C1")
    view = await _modal(slack)
    answers = {"q0": "Pricing page copy", "q1": "Tier table", "q2": blocker}
    assert (await slack.submit(view, answers, user=USER[persona])).status == 200
    await slack.settle()


async def test_a_week_of_one_decision_through_slack(slack: SlackHarness, clock: FakeClock) -> None:
    clock.current = week.MONDAY
    slack.fake.users["U0"] = {**default_user("U0"), "is_admin": True}
    for user, persona in PEOPLE.items():
        await slack.command(f"/role assign <@{user}|{persona}> {week.ROLES[persona]}", user="U0")
    await slack.command("/standup setup Design", user="U1")
    setup = await _modal(slack)
    values = {**initial_values(setup), "members": list(PEOPLE), "summary_time": "16:00"}
    assert (await slack.submit(setup, values)).status == 200
    await slack.settle()

    # Ana opens the weekly vote; the form found the decision from the command.
    await slack.command(f'/vote new {week.QUESTION} for "{week.DECISION}"', user=USER["ana"])
    form = await _modal(slack)
    chosen = initial_values(form)
    assert chosen["decision"] == "pricing & packaging"
    opened = await slack.submit(form, {**chosen, **week.NEW_VOTE}, user=USER["ana"])
    assert opened.text == "", opened.text
    await slack.settle()
    live = _vote_message(slack, 1)
    assert "Add an option" in _said(live)

    # Dee adds an option from the vote's message; everyone sees it there.
    await slack.click(live, "vote.add", user=USER["dee"])
    add_form = await _modal(slack)
    added = await slack.submit(add_form, {"option": f"  {week.ADDED} "}, user=USER["dee"])
    assert added.status == 200
    await slack.settle()
    replay = await slack.submit(add_form, {"option": week.ADDED.upper()}, user=USER["dee"])
    assert "already on vote 1" in replay.text  # shown beside the input; nothing added
    await slack.settle()
    live = _vote_message(slack, 1)
    assert f"4. {week.ADDED}" in _said(live)
    assert "Added by voters" in _said(live)
    for persona, item in week.PICKS.items():
        index = [*week.ITEMS, week.ADDED].index(item)
        await slack.click(live, "vote.pick", value=f"1:{index}", user=USER[persona])
        await slack.settle()

    for day in range(3):
        answer_at, summary_at = week.stand_up_day(day)
        if day == 2:  # Wednesday: the vote's deadline passes first
            clock.current = week.VOTE_CLOSES
            await _tick(slack, "close_due")
            await _tick(slack, "close_due")  # another replica's tick: closes nothing twice
            (asked,) = _dms_to(slack, "sam")
            assert "Decision needed: Pricing &amp; packaging" in _said(asked)
            clock.current = week.RATIFIED_AT
            await slack.click(asked, "decision.ratify", user=USER["ben"], channel="DU5")
            await slack.settle()
            assert "Only the Stakeholder" in json.dumps(slack.fake.responses[-1])
            await slack.click(asked, "decision.ratify", user=USER["sam"], channel="DU1")
            await slack.settle()
            await slack.click(asked, "decision.ratify", user=USER["sam"], channel="DU1")
            await slack.settle()
            assert "already ratified" in json.dumps(slack.fake.responses[-1])
        clock.current = answer_at
        await _stand_up(slack, "ana", week.BLOCKED)
        clock.current = summary_at
        await jobs.tick(slack.bot.ctx)
        await slack.settle()

    channel = [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "C1"]
    final = [p for p in channel if "Final result of vote 1" in _said(p)]
    assert len(final) == 1
    assert f"Winner: *{week.ADDED}*" in _said(final[0])
    (record,) = [p for p in channel if "Decision record" in _said(p)]
    assert week.ADDED in _said(record)
    for informed in ("dee", "ben"):
        (told,) = [p for p in _dms_to(slack, informed) if "For your information" in _said(p)]
        assert "was ratified by" in _said(told)
    for not_informed in ("ana", "cy"):
        assert _dms_to(slack, not_informed) == []

    (escalated,) = [p for p in _dms_to(slack, "sam") if "standup.escalation" in _said(p)]
    clock.current = week.RESOLVED_AT
    await slack.click(escalated, "standup.escalation.resolved", user=USER["sam"], channel="DU1")
    await slack.settle()
    assert "after 1.0 days" in json.dumps([slack.fake.responses, slack.fake.called("chat.update")])

    clock.current = week.DIGEST_AT
    await slack.command("/digest preview", user=USER["ana"], channel="C1")
    await slack.settle()
    digest = json.dumps(slack.fake.responses[-1], ensure_ascii=False)
    assert "Pricing &amp; packaging ratified by" in digest
    assert f": {week.ADDED}" in digest
    assert "Pricing &amp; packaging: 1 blocker escalated, 1 resolved" in digest
    assert "median 1.0 days to resolve" in digest

    clock.current = week.NEXT_MONDAY + timedelta(minutes=1)
    await _tick(slack, "open_rounds")
    await _tick(slack, "open_rounds")
    assert "Add an option" in _said(_vote_message(slack, 2))

    assert await week.outcome(slack.bot.ctx.db, PEOPLE) == week.EXPECTED
