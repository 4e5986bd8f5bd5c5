"""Probes through Slack: who may read a vote, and mentions inside a quoted role name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.feature import Feature
from tests.slack.harness import SlackHarness, initial_values
from tests.support.fake_slack import default_user


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every feature, as in production


def said(slack: SlackHarness) -> str:
    _, payload = slack.fake.responses[-1]
    return json.dumps([payload.get("text"), payload.get("blocks")], ensure_ascii=False)


async def run(slack: SlackHarness, line: str, **kwargs: Any) -> str:
    answer = await slack.command(line, **kwargs)
    assert answer.status == 200
    await slack.settle()
    return said(slack)


async def open_and_close_vote(slack: SlackHarness) -> None:
    assert (await slack.command("/vote new Secret roadmap?")).status == 200
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    values = {**initial_values(opened["view"]), "items": "Search\nBilling", "method": "single"}
    assert (await slack.submit(opened["view"], values)).status == 200
    await slack.settle()
    assert "is closed" in await run(slack, "/vote close 1")


async def test_vote_results_from_another_channel_follow_slack_channel_membership(
    slack: SlackHarness,
) -> None:
    await open_and_close_vote(slack)
    crowd = [f"UX{n:03d}" for n in range(230)]
    slack.fake.channel_members["C1"] = ["U1", *crowd[:200], "U4", *crowd[200:]]

    missing = await run(slack, "/vote results 99", user="U3", channel="C2")
    outsider = await run(slack, "/vote results 1", user="U3", channel="C2")
    assert "Secret roadmap" not in outsider
    assert outsider.replace("vote 1 ", "vote 99 ") == missing

    member = await run(slack, "/vote export 1", user="U4", channel="C2")  # on page two
    assert "Search" in member
    pages = slack.fake.called("conversations.members")
    assert [page["channel"] for page in pages] == ["C1", "C1"]
    assert pages[1]["cursor"]

    await run(slack, "/vote results 1", user="U4", channel="C2")
    assert len(slack.fake.called("conversations.members")) == 2  # answered from the cache


async def test_a_channel_slack_does_not_know_admits_nobody_from_outside(
    slack: SlackHarness,
) -> None:
    await open_and_close_vote(slack)
    assert "no vote 1" in await run(slack, "/vote results 1", user="U3", channel="C2")
    assert slack.fake.attempts("conversations.members")  # asked, refused: channel_not_found
    assert "Secret roadmap" in await run(slack, "/vote results 1", user="U3", channel="C1")


async def test_a_mention_in_a_quoted_role_name_is_not_assigned_or_pinged(
    slack: SlackHarness,
) -> None:
    slack.fake.users["U1"] = {**default_user("U1"), "is_admin": True}
    answer = await run(slack, '/role assign <@U2|ben> "Tech Lead <@U3|cy>"')
    assert "now holds the Tech Lead role" in answer
    assert "U3" not in answer
    owners = await run(slack, "/who owns the release decision")
    assert "<@U2>" in owners
    assert "<@U3>" not in owners


async def test_my_data_then_forget_through_slack(slack: SlackHarness) -> None:
    slack.fake.users["U1"] = {**default_user("U1"), "is_admin": True}
    await run(slack, "/role assign <@U2|ben> Tech Lead")
    mine = await run(slack, "/alignbot my data", user="U2")
    assert "roles held" in mine
    assert "Tech Lead" in mine

    await run(slack, "/alignbot forget <@U2|ben>", user="U2")
    assert "Only workspace admins" in said(slack)
    await run(slack, "/alignbot forget <@U2|ben>")
    _, question = slack.fake.responses[-1]
    erase = next(
        element
        for block in question["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("style") == "danger"
    )
    await slack.click(question, erase["action_id"], ephemeral=True, response="r7")
    await slack.settle()
    name, done = slack.fake.responses[-1]
    assert name == "r7"
    assert done["replace_original"] is True
    assert "Erased what alignbot kept" in said(slack)
    assert "Tech Lead" not in await run(slack, "/alignbot my data", user="U2")
