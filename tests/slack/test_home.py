"""App Home: each person's "waiting for you" page, published on `app_home_opened`, its buttons
working from the page, and refreshed through the outbox when what waits for them changes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot import deliveries
from bot.feature import Feature
from tests.slack.harness import TEAM, SlackHarness, initial_values
from tests.support.fake_slack import default_user


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature, as in production


async def run(slack: SlackHarness, line: str, **kwargs: Any) -> None:
    assert (await slack.command(line, **kwargs)).status == 200
    await slack.settle()


async def submit_opened(slack: SlackHarness, user: str, **values: Any) -> None:
    view = slack.fake.called("views.open")[-1]["view"]
    done = await slack.submit(view, {**initial_values(view), **values}, user=user)
    assert done.text == "", done.text
    await slack.settle()


async def open_home(slack: SlackHarness, user: str, event_id: str) -> dict[str, Any]:
    event = {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}
    assert (await slack.event(event, event_id)).status == 200
    await slack.settle()
    published = slack.fake.called("views.publish")[-1]
    assert published["user_id"] == user
    view = published["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def page_text(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def buttons_on(view: dict[str, Any]) -> dict[str, str]:
    return {
        e["action_id"]: e.get("value", "")
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    }


async def click_on_home(
    slack: SlackHarness, view: dict[str, Any], action_id: str, user: str
) -> None:
    value = buttons_on(view)[action_id]
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "token": "legacy",
        "container": {"type": "view", "view_id": "VHOME"},
        "trigger_id": f"trigger-home-{action_id}",
        "team": {"id": TEAM, "domain": "test"},
        "view": {**view, "id": "VHOME"},
        "actions": [{"action_id": action_id, "block_id": "b1", "type": "button", "value": value}],
    }
    assert (await slack.interaction(payload)).status == 200
    await slack.settle()


async def pending_work_for_u2(slack: SlackHarness) -> None:
    """U2 is in a stand-up, has a vote open in a channel they are in, an insight shared with
    them, and a role."""
    slack.fake.users["U1"] = {**default_user("U1"), "is_admin": True}
    slack.fake.channel_members["C1"] = ["U1", "U2"]
    await run(slack, "/standup setup Design")
    await submit_opened(slack, "U1", members=["U1", "U2"], channel="C1")
    await run(slack, "/vote new Which epic next?")
    await submit_opened(
        slack, "U1", items="Search\nOnboarding", method="single", deadline_text="in 2d"
    )
    await run(slack, "/insight new", user="UA")
    await submit_opened(
        slack,
        "UA",
        title="Sign-up loses half at the email step",
        finding="Seven of twelve stopped at the email confirmation.",
        method="interview",
        confidence="high",
        people=["U2"],
    )
    await run(slack, "/role assign <@U2|ben> Product Owner")


async def test_home_lists_what_waits_and_its_buttons_work(slack: SlackHarness) -> None:
    await pending_work_for_u2(slack)
    view = await open_home(slack, "U2", "EvHome1")
    assert view["type"] == "home"
    shown = page_text(view)
    assert "Design" in shown
    assert "stand-up" in shown
    assert "Which epic next?" in shown
    assert "Sign-up loses half at the email step" in shown
    assert "Product Owner" in shown
    actions = buttons_on(view)
    assert {"standup.open", "vote.open", "insight.seen"} <= set(actions)

    # Someone with nothing waiting sees each section say so (UZ is in no channel).
    empty = page_text(await open_home(slack, "UZ", "EvHome2"))
    assert "Which epic next?" not in empty
    assert "No open vote" in empty

    # The buttons are the messages' own: Seen answers the insight, and the page drops it.
    await click_on_home(slack, view, "insight.seen", "U2")
    after = page_text(slack.fake.called("views.publish")[-1]["view"])
    assert "Sign-up loses half" not in after
    assert "Which epic next?" in after

    # Vote opens the ballot modal from the page.
    opened = len(slack.fake.called("views.open"))
    await click_on_home(slack, view, "vote.open", "U2")
    assert len(slack.fake.called("views.open")) == opened + 1


async def test_a_vote_cast_in_the_channel_refreshes_the_home_through_the_outbox(
    slack: SlackHarness,
) -> None:
    await pending_work_for_u2(slack)
    before = len(slack.fake.called("views.publish"))
    posted = next(
        p for p in slack.fake.called("chat.postMessage") if "Which epic next?" in json.dumps(p)
    )
    menu = next(
        e
        for b in posted["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "static_select"
    )
    await slack.click(posted, menu["action_id"], value=menu["options"][0]["value"], user="U2")
    await slack.settle()
    await slack.click(posted, menu["action_id"], value=menu["options"][1]["value"], user="U2")
    await slack.settle()
    # Debounced: nothing is published until the outbox's resume tick, and then once.
    assert len(slack.fake.called("views.publish")) == before
    await deliveries.resume(slack.bot.ctx)
    published = slack.fake.called("views.publish")[before:]
    assert [p["user_id"] for p in published].count("U2") == 1
    assert "Which epic next?" not in json.dumps(published[-1]["view"])
