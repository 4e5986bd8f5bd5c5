"""One real flow per feature, through Slack exactly as a person would use it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.feature import Feature
from tests.slack.harness import SlackHarness, initial_values
from tests.support.fake_slack import default_user


@pytest.fixture
def features() -> list[Feature] | None:
    """Every feature in bot/features, discovered as in production."""
    return None


def shown(payload: dict[str, Any]) -> str:
    return json.dumps([payload.get("text"), payload.get("blocks")], ensure_ascii=False)


def last_response(slack: SlackHarness) -> str:
    assert slack.fake.responses, "nothing was said through the response_url"
    return shown(slack.fake.responses[-1][1])


async def run(slack: SlackHarness, line: str, **kwargs: Any) -> None:
    answer = await slack.command(line, **kwargs)
    assert answer.status == 200
    await slack.settle()


async def test_help_lists_every_command(slack: SlackHarness) -> None:
    await run(slack, "/alignbot help")
    said = last_response(slack)
    for spec in slack.bot.router.commands.values():
        if spec.name != "help":
            typed = f"/alignbot {spec.name}" if spec.umbrella_only else f"/{spec.name}"
            assert f"{typed} — " in said


async def test_roles_assign_ask_and_show(slack: SlackHarness) -> None:
    if "who" not in slack.bot.router.commands:
        pytest.skip("the roles feature is not in this build")
    slack.fake.users["U1"] = {**default_user("U1"), "is_admin": True}
    await run(slack, "/role assign <@U2|ben> Product Owner")
    assert "now holds" in last_response(slack)

    await run(slack, "/who owns backlog priority")
    said = last_response(slack)
    assert "Backlog ordering" in said
    assert "<@U2>" in said

    await run(slack, "/raci show")
    assert "Product Owner" in last_response(slack)

    await run(slack, "/who design")
    _, picker = slack.fake.responses[-1]
    button = next(
        e
        for block in picker["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
        if e["type"] == "button"
    )
    await slack.click(picker, button["action_id"], ephemeral=True, response="r9")
    await slack.settle()
    name, replaced = slack.fake.responses[-1]
    assert name == "r9"
    assert replaced["replace_original"] is True


async def test_vote_from_modal_to_live_tally(slack: SlackHarness) -> None:
    if "vote" not in slack.bot.router.commands:
        pytest.skip("the votes feature is not in this build")
    await run(slack, "/vote new Which epic next?")
    (opened,) = slack.fake.called("views.open")
    view = opened["view"]
    values = {
        **initial_values(view),
        "items": "Search\nOnboarding\nBilling",
        "method": "single",
        "deadline_text": "in 2d",
    }
    assert values["question"] == "Which epic next?"
    submitted = await slack.submit(view, values)
    assert submitted.status == 200
    assert submitted.text == "", submitted.text
    await slack.settle()
    (posted,) = slack.fake.called("chat.postMessage")
    assert posted["channel"] == "C1"
    assert "Which epic next?" in shown(posted)
    (confirmation,) = slack.fake.called("chat.postEphemeral")
    assert "is open in the channel" in shown(confirmation)

    menu = next(
        e
        for block in posted["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
        if e["type"] == "static_select"
    )
    onboarding = next(o for o in menu["options"] if "Onboarding" in o["text"]["text"])
    await slack.click(
        posted, menu["action_id"], value=onboarding["value"], user="U2", ts="1700000001.000001"
    )
    await slack.settle()
    updates = slack.fake.called("chat.update")
    assert updates, "the live tally was not updated"
    assert updates[-1]["ts"] == "1700000001.000001"
    assert "1 voted" in shown(updates[-1])


async def test_insight_shared_to_a_subscribed_channel(slack: SlackHarness) -> None:
    if "insight" not in slack.bot.router.commands:
        pytest.skip("the insights feature is not in this build")
    await run(slack, "/insight subscribe here onboarding", channel="C10")
    await run(slack, "/insight new", user="UA")
    (opened,) = slack.fake.called("views.open")
    view = opened["view"]
    values = {
        **initial_values(view),
        "title": "Half of new users abandon sign-up at <!channel> the email step",
        "finding": "Seven of twelve participants stopped when asked to confirm their email.",
        "method": "interview",
        "participants": "12",
        "confidence": "high",
        "tags": "onboarding",
    }
    submitted = await slack.submit(view, values, user="UA")
    assert submitted.text == "", submitted.text
    await slack.settle()
    posts = [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "C10"]
    assert len(posts) == 1
    card = shown(posts[0])
    assert "Half of new users abandon sign-up at &lt;!channel&gt; the email step" in card
    assert "<!channel>" not in card


async def test_standup_setup_then_answer(slack: SlackHarness) -> None:
    if "standup" not in slack.bot.router.commands:
        pytest.skip("the standups feature is not in this build")
    await run(slack, "/standup setup Design")
    (setup,) = slack.fake.called("views.open")
    values = {**initial_values(setup["view"]), "members": ["U1", "U2"], "channel": "C1"}
    submitted = await slack.submit(setup["view"], values)
    assert submitted.text == "", submitted.text
    await slack.settle()
    said = json.dumps(
        slack.fake.called("chat.postEphemeral") + slack.fake.called("chat.postMessage")
    )
    assert "created" in said

    await run(slack, "/standup")
    answer_form = slack.fake.called("views.open")[-1]["view"]
    inputs = [b["block_id"] for b in answer_form["blocks"] if b["type"] == "input"]
    answers = dict(zip(inputs, ["Research", "Prototype the filter", "none"], strict=False))
    done = await slack.submit(answer_form, answers)
    assert done.text == "", done.text
    await slack.settle()
    said = json.dumps(
        slack.fake.called("chat.postEphemeral") + slack.fake.called("chat.postMessage")
    )
    assert "/standup" in said
