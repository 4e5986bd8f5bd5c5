"""Message and global shortcuts through signed payloads: each opens its form pre-filled, and
what a client puts in a shortcut payload is read as untrusted text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.feature import Feature
from tests.slack.harness import TEAM, SlackHarness, initial_values
from tests.support.fake_slack import default_user


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature, as in production


def message_shortcut(callback_id: str, text: str, n: int, **message: Any) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": f"trigger-shortcut-{n}",
        "response_url": "",
        "team": {"id": TEAM, "domain": "acme"},
        "channel": {"id": "C1", "name": "general"},
        "user": {"id": "U1", "username": "u1", "name": "u1", "team_id": TEAM},
        "message_ts": "1700000500.000100",
        "message": {
            "type": "message",
            "user": "U7",
            "ts": "1700000500.000100",
            "text": text,
            **message,
        },
    }


async def use(slack: SlackHarness, payload: dict[str, Any]) -> None:
    assert (await slack.interaction(payload)).status == 200
    await slack.settle()


def said(slack: SlackHarness) -> str:
    return json.dumps(
        [c for m in ("chat.postMessage", "chat.postEphemeral") for c in slack.fake.called(m)]
        + [body for _, body in slack.fake.responses]
    )


async def test_share_as_insight_prefills_the_form_and_keeps_the_link(slack: SlackHarness) -> None:
    text = "Checkout confusion\nFour of six testers missed the promo code field."
    await use(slack, message_shortcut("insight_from_message", text, 1))
    (opened,) = slack.fake.called("views.open")
    assert opened["trigger_id"] == "trigger-shortcut-1"
    values = initial_values(opened["view"])
    assert values["title"] == "Checkout confusion"
    assert values["finding"] == text
    assert "https://acme.slack.com/archives/C1/p1700000500000100" in values["evidence"]

    done = await slack.submit(opened["view"], {**values, "method": "usability_test"})
    assert done.text == "", done.text
    await slack.settle()
    assert "Saved insight 1" in said(slack)


async def test_start_a_vote_from_a_thread_takes_its_bullet_points(slack: SlackHarness) -> None:
    text = "Which should we build next?\n• Saved searches\n• Dark mode\n- Export to CSV\nthanks"
    payload = message_shortcut("vote_from_message", text, 2, thread_ts="1700000400.000001")
    await use(slack, payload)
    (opened,) = slack.fake.called("views.open")
    values = initial_values(opened["view"])
    assert values["question"] == "Which should we build next?"
    items = "\n".join(v for k, v in values.items() if k.startswith("items") and v)
    assert items.splitlines() == ["Saved searches", "Dark mode", "Export to CSV"]

    done = await slack.submit(opened["view"], {**values, "method": "single"})
    assert done.text == "", done.text
    await slack.settle()
    (posted,) = slack.fake.called("chat.postMessage")
    assert posted["channel"] == "C1"
    assert posted["thread_ts"] == "1700000400.000001"  # in the thread it was started from


async def test_a_message_with_one_line_is_refused_kindly(slack: SlackHarness) -> None:
    await use(slack, message_shortcut("vote_from_message", "just one line", 3))
    assert not slack.fake.called("views.open")
    assert "fewer than two lines" in said(slack)


async def test_who_owns_global_shortcut_answers_privately(slack: SlackHarness) -> None:
    slack.fake.users["U1"] = {**default_user("U1"), "is_admin": True}
    await slack.command("/role assign <@U2|ben> Product Owner")
    await slack.settle()
    payload = {
        "type": "shortcut",
        "callback_id": "who_owns",
        "trigger_id": "trigger-who",
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": "U3", "username": "u3", "name": "u3", "team_id": TEAM},
    }
    await use(slack, payload)
    (opened,) = slack.fake.called("views.open")
    done = await slack.submit(opened["view"], {"decision": "backlog priority"}, user="U3")
    assert done.text == "", done.text
    await slack.settle()
    answer = slack.fake.called("chat.postMessage")[-1]
    assert answer["channel"] == "DU3"  # to the person who asked, nowhere else
    assert "Backlog ordering" in json.dumps(answer)


async def test_unknown_or_forged_shortcuts_change_nothing(slack: SlackHarness) -> None:
    forged = message_shortcut("insight_from_message", "x", 4)
    forged["callback_id"] = "delete_everything"
    await use(slack, forged)
    broken = message_shortcut("vote_from_message", "", 5)
    broken["message"] = "not an object"
    assert (await slack.interaction(broken)).status == 200
    await slack.settle()
    assert not slack.fake.called("views.open")
    assert "Traceback" not in said(slack)
