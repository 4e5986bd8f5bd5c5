"""App Home: each person's "waiting for you" page, published on `app_home_opened`, its buttons
working from the page, and refreshed through the outbox when what waits for them changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import deliveries
from bot.feature import Feature
from bot.features.standups import jobs
from tests.slack.harness import TEAM, SlackHarness, initial_values
from tests.support.fake_slack import default_user
from tests.support.recording import FakeClock


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


MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
BLOCKED = "Waiting on the pricing & packaging call"


async def answer_standup(slack: SlackHarness, user: str, blocker: str) -> None:
    await run(slack, "/standup", user=user, channel="C1")
    view = slack.fake.called("views.open")[-1]["view"]
    done = await slack.submit(view, {"q0": "Wireframes", "q1": "Tests", "q2": blocker}, user=user)
    assert done.status == 200
    await slack.settle()


async def published_to(slack: SlackHarness, user: str, since: int) -> list[str]:
    """The pages the outbox publishes for `user` on its next resume tick (published after
    call number `since`)."""
    await deliveries.resume(slack.bot.ctx)
    return [
        page_text(p["view"] if isinstance(p["view"], dict) else json.loads(p["view"]))
        for p in slack.fake.called("views.publish")[since:]
        if p["user_id"] == user
    ]


async def test_blockers_on_your_decisions_follow_answers_escalations_and_your_buttons(
    slack: SlackHarness, clock: FakeClock
) -> None:
    """U6 and U7 hold Stakeholder, Accountable for "Pricing & packaging" in the default matrix;
    U2's stand-up blocker names it, stays for three days, and is escalated to both."""
    slack.fake.users["U0"] = {**default_user("U0"), "is_admin": True}
    clock.current = MONDAY
    await run(slack, "/role assign <@U6|fay> <@U7|gus> Stakeholder", user="U0")
    await run(slack, "/standup setup Design", user="U1")
    setup = slack.fake.called("views.open")[-1]["view"]
    values = {**initial_values(setup), "members": ["U1", "U2", "U3"], "summary_time": "16:00"}
    assert (await slack.submit(setup, values)).status == 200
    await slack.settle()
    await deliveries.resume(slack.bot.ctx)
    calm = page_text(await open_home(slack, "U6", "EvHomeU6"))
    assert "No stand-up blocker waits on a decision you are Accountable for" in calm

    # U2's answer names the decision: U6's page is queued and shows it.
    clock.current = MONDAY + timedelta(hours=2)
    before = len(slack.fake.called("views.publish"))
    await answer_standup(slack, "U2", BLOCKED)
    [page] = await published_to(slack, "U6", before)
    assert "Pricing &amp; packaging" in page
    assert "blocker in the Design stand-up" in page
    assert "pricing &amp; packaging call" in page
    assert "escalated" not in page

    # Three stand-up days on, the summary escalates it: U6's page shows it with the DM's buttons.
    for day in range(3):
        clock.current = MONDAY + timedelta(days=day, hours=2)
        if day:
            await answer_standup(slack, "U2", BLOCKED)
            await deliveries.resume(slack.bot.ctx)  # the answer's own refresh goes out first
        clock.current = MONDAY + timedelta(days=day, hours=8)  # 16:00 Berlin: the summary
        before = len(slack.fake.called("views.publish"))
        await jobs.tick(slack.bot.ctx)
        await slack.settle()
    pages = await published_to(slack, "U6", before)
    assert "escalated to you" in pages[-1]
    assert "no answer yet" in pages[-1]
    view = slack.fake.called("views.publish")[-1]["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert {"standup.escalation.unblock", "standup.escalation.resolved"} <= set(buttons_on(view))

    # U6 answers from the page: the page is published again at once, with the new state, and
    # U7's (the escalation waits on both) through the outbox.
    await deliveries.resume(slack.bot.ctx)
    await click_on_home(slack, view, "standup.escalation.unblock", "U6")
    after = slack.fake.called("views.publish")[-1]
    assert after["user_id"] == "U6"
    assert "you said you will unblock it" in page_text(after["view"])
    [co_holders] = await published_to(slack, "U7", len(slack.fake.called("views.publish")))
    assert "will unblock it" in co_holders
    assert "you said" not in co_holders

    # U2 is unblocked: at the next summary the escalation closes and U6's page empties.
    clock.current = MONDAY + timedelta(days=3, hours=2)
    before = len(slack.fake.called("views.publish"))
    await answer_standup(slack, "U2", "none")
    [page] = await published_to(slack, "U6", before)
    assert "you said you will unblock it" in page  # still open until the summary sees it
    clock.current = MONDAY + timedelta(days=3, hours=8)
    before = len(slack.fake.called("views.publish"))
    await jobs.tick(slack.bot.ctx)
    await slack.settle()
    pages = await published_to(slack, "U6", before)
    assert "No stand-up blocker waits on a decision you are Accountable for" in pages[-1]


async def test_a_role_assigned_or_unassigned_refreshes_the_holders_home(
    slack: SlackHarness,
) -> None:
    slack.fake.users["U0"] = {**default_user("U0"), "is_admin": True}
    before = len(slack.fake.called("views.publish"))
    await run(slack, "/role assign <@U2|ben> Product Owner", user="U0")
    [page] = await published_to(slack, "U2", before)
    assert "Product Owner" in page
    before = len(slack.fake.called("views.publish"))
    await run(slack, "/role unassign <@U2|ben> Product Owner", user="U0")
    [page] = await published_to(slack, "U2", before)
    assert "You hold no role yet" in page


async def test_an_insight_acknowledged_in_its_message_refreshes_the_home_through_the_outbox(
    slack: SlackHarness,
) -> None:
    await pending_work_for_u2(slack)
    assert "Sign-up loses half" in page_text(await open_home(slack, "U2", "EvHome3"))
    await deliveries.resume(slack.bot.ctx)  # the refreshes queued by the setup go out first
    sent = next(
        p
        for p in slack.fake.called("chat.postMessage")
        if "Sign-up loses half" in json.dumps(p) and "insight.seen" in json.dumps(p["blocks"])
    )
    before = len(slack.fake.called("views.publish"))
    await slack.click(sent, "insight.seen", user="U2", channel=sent["channel"])
    await slack.settle()
    [page] = await published_to(slack, "U2", before)
    assert "Sign-up loses half" not in page
    assert "Which epic next?" in page
