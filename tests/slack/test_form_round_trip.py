"""Every input kind, with every field set, goes out as a modal and comes back as the core value:
the modal Slack received from `views.open` is answered in Slack's own `view_submission` shape
(`view.state.values`), signed, into the Slack endpoint, and the feature gets what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.feature import Feature
from bot.limits import joined_text
from bot.replies import InputKind
from tests.forms.feature import HUGE, PARAGRAPHS, Received, formcheck_feature, long_form
from tests.forms.samples import answer_for
from tests.slack.harness import TEAM, SlackHarness

_Answer = Callable[[dict[str, Any], Any], dict[str, Any]]


def _options(element: dict[str, Any], wanted: list[str]) -> list[dict[str, Any]]:
    """The options as Slack echoes them: the offered option objects, text and value."""
    chosen = [option for option in element["options"] if option["value"] in wanted]
    assert len(chosen) == len(wanted), f"{wanted} not all offered in {element['options']}"
    return chosen


# What Slack puts in `view.state.values[block_id][action_id]` per element type (api.slack.com
# reference/interaction-payloads/views#view_submission, each element's "state" shape).
STATES: dict[str, _Answer] = {
    "plain_text_input": lambda element, typed: {"value": typed},
    "number_input": lambda element, typed: {"value": typed},
    "static_select": lambda element, typed: {"selected_option": _options(element, [typed])[0]},
    "multi_static_select": lambda element, typed: {"selected_options": _options(element, typed)},
    "datepicker": lambda element, typed: {"selected_date": typed},
    "timepicker": lambda element, typed: {"selected_time": typed, "timezone": "Europe/Paris"},
    "multi_users_select": lambda element, typed: {"selected_users": typed},
    "conversations_select": lambda element, typed: {"selected_conversation": typed},
}


@pytest.fixture
def received() -> Received:
    return Received()


@pytest.fixture
def features(received: Received) -> list[Feature]:
    return [formcheck_feature(received)]


async def _opened(slack: SlackHarness, word: str) -> dict[str, Any]:
    await slack.command(f"/formcheck {word}", channel="C7")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    view: dict[str, Any] = opened["view"]
    parsed = View(**view)
    parsed.validate_json()  # slack_sdk's own limits and required attributes
    assert parsed.to_dict()["blocks"] == view["blocks"]  # nothing the SDK does not know
    return view


async def _answer(slack: SlackHarness, view: dict[str, Any], typed: dict[str, Any]) -> None:
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] == "input":
            element = block["element"]
            shape = STATES[element["type"]](element, typed[block["block_id"]])
            state[block["block_id"]] = {element["action_id"]: {"type": element["type"], **shape}}
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": "U1", "username": "u1", "name": "u1", "team_id": TEAM},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": "trigger-answer",
        "view": {**view, "id": "V1", "state": {"values": state}},
        "response_urls": [],
    }
    answered = await slack.interaction(payload)
    assert answered.status == 200, answered.text
    await slack.settle()


@pytest.mark.parametrize("kind", list(InputKind))
async def test_every_kind_comes_back_as_typed(
    slack: SlackHarness, received: Received, kind: InputKind
) -> None:
    view = await _opened(slack, kind.value)
    name = f"in_{kind.value}"
    await _answer(slack, view, {name: answer_for(kind)})
    (submission,) = received.submissions
    assert submission.form_id == "samples.everything"
    assert submission.metadata == f"m-{kind.value}"
    assert submission.conversation.channel_id == "C7"
    assert dict(submission.values) == {name: answer_for(kind)}


async def test_a_form_with_every_kind_comes_back_whole(
    slack: SlackHarness, received: Received
) -> None:
    view = await _opened(slack, "all")
    typed = {f"in_{kind.value}": answer_for(kind) for kind in InputKind}
    await _answer(slack, view, typed)
    (submission,) = received.submissions
    assert dict(submission.values) == typed


async def test_a_long_text_spread_over_continued_inputs_comes_back_joined(
    slack: SlackHarness, received: Received
) -> None:
    view = await _opened(slack, "long")
    unchanged = {
        block["block_id"]: block["element"]["initial_value"]
        for block in view["blocks"]
        if block["type"] == "input"
    }
    assert list(unchanged) == ["story", "story_2"]
    await _answer(slack, view, unchanged)
    (submission,) = received.submissions
    assert joined_text(submission, "story") == "\n".join(PARAGRAPHS)


async def test_a_text_of_many_continued_inputs_comes_back_joined(
    slack: SlackHarness, received: Received
) -> None:
    view = await _opened(slack, "huge")
    unchanged = {
        block["block_id"]: block["element"]["initial_value"]
        for block in view["blocks"]
        if block["type"] == "input"
    }
    assert len(unchanged) == len(long_form(HUGE).inputs)
    await _answer(slack, view, unchanged)
    (submission,) = received.submissions
    assert joined_text(submission, "story") == "\n".join(HUGE)
