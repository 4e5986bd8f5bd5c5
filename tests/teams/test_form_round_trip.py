"""Every input kind, with every field set, goes out as a dialog card and comes back as the core
value: a message asks for the form, the launcher's button fetches the dialog (`task/fetch`), the
card's inputs are answered as Teams sends them (every value a string, beside the submit
button's `data`, in `task/submit`), and the feature gets what was meant."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from bot.events import FormValue
from bot.feature import Feature
from bot.limits import joined_text
from bot.replies import InputKind
from tests.forms.feature import HUGE, PARAGRAPHS, Received, formcheck_feature, long_form
from tests.forms.samples import answer_for
from tests.teams.activities import message, task_fetch, task_submit
from tests.teams.conftest import TeamsHarness

CHANNEL_ID = "19:plans@thread.tacv2"
# A Teams channel is typed as its "Get link to channel" link.
CHANNEL_LINK = (
    f"https://teams.microsoft.com/l/channel/{quote(CHANNEL_ID, safe='')}/Plans"
    "?groupId=g-1&tenantId=t-1"
)


def meant(kind: InputKind) -> FormValue:
    """The core value a Teams answer stands for (a channel is a Teams channel id here)."""
    return CHANNEL_ID if kind is InputKind.CHANNEL else answer_for(kind)


def typed(element: dict[str, Any], kind: InputKind) -> str:
    """What Teams sends for the card input `element`: text, numbers, dates and times as strings,
    the chosen values of a ChoiceSet (a menu or the people picker) joined by commas."""
    if kind is InputKind.CHANNEL:
        return CHANNEL_LINK
    answer = answer_for(kind)
    if element["type"] == "Input.ChoiceSet":
        chosen = answer if isinstance(answer, list) else [str(answer)]
        if "choices.data" not in element:  # a menu: only what it offers can be chosen
            assert set(chosen) <= {choice["value"] for choice in element["choices"]}
        return ",".join(chosen)
    assert isinstance(answer, str)
    return answer


@pytest.fixture
def received() -> Received:
    return Received()


@pytest.fixture
def features(received: Received) -> list[Feature]:
    return [formcheck_feature(received)]


async def _dialog(teams: TeamsHarness, word: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The dialog's inputs and its submit button's data, as a person opening the form sees it."""
    await teams.send(message(teams.service_url, f"formcheck {word}"))
    [button] = teams.connector.of_kind("reply")[-1].card["actions"]
    response = await teams.send(task_fetch(teams.service_url, button["data"]))
    task = (await response.json())["task"]
    assert task["type"] == "continue", task
    card = task["value"]["card"]["content"]
    [submit] = card["actions"]
    return [element for element in card["body"] if "id" in element], submit["data"]


async def _submit(teams: TeamsHarness, data: dict[str, Any], answers: dict[str, str]) -> None:
    response = await teams.send(task_submit(teams.service_url, {**data, **answers}))
    assert response.status == 200
    assert (await response.json())["task"]["type"] == "continue"  # the private "Received."


@pytest.mark.parametrize("kind", list(InputKind))
async def test_every_kind_comes_back_as_meant(
    teams: TeamsHarness, received: Received, kind: InputKind
) -> None:
    [element], data = await _dialog(teams, kind.value)
    await _submit(teams, data, {element["id"]: typed(element, kind)})
    (submission,) = received.submissions
    assert submission.form_id == "samples.everything"
    assert submission.metadata == f"m-{kind.value}"
    assert dict(submission.values) == {f"in_{kind.value}": meant(kind)}


async def test_a_form_with_every_kind_comes_back_whole(
    teams: TeamsHarness, received: Received
) -> None:
    elements, data = await _dialog(teams, "all")
    kinds = {f"in_{kind.value}": kind for kind in InputKind}
    assert [element["id"] for element in elements] == list(kinds)
    await _submit(teams, data, {e["id"]: typed(e, kinds[e["id"]]) for e in elements})
    (submission,) = received.submissions
    assert dict(submission.values) == {name: meant(kind) for name, kind in kinds.items()}


async def test_a_long_text_spread_over_continued_inputs_comes_back_joined(
    teams: TeamsHarness, received: Received
) -> None:
    elements, data = await _dialog(teams, "long")
    unchanged = {element["id"]: element["value"] for element in elements}
    assert list(unchanged) == ["story", "story_2"]
    await _submit(teams, data, unchanged)
    (submission,) = received.submissions
    assert joined_text(submission, "story") == "\n".join(PARAGRAPHS)


async def test_a_text_too_long_for_one_dialog_card_comes_back_joined_over_its_pages(
    teams: TeamsHarness, received: Received
) -> None:
    """Each page is sent as Teams sends it (its inputs beside the button's data, "Next" but on
    the last page); what earlier pages held is kept on the server until the last one."""
    elements, data = await _dialog(teams, "huge")
    seen_pages = 0
    while True:
        seen_pages += 1
        answers = {element["id"]: element["value"] for element in elements}
        response = await teams.send(task_submit(teams.service_url, {**data, **answers}))
        task = (await response.json())["task"]
        card = task["value"]["card"]["content"]
        if received.submissions:
            break
        elements = [element for element in card["body"] if "id" in element]
        [submit] = card["actions"]
        data = submit["data"]
    assert seen_pages > 1
    (submission,) = received.submissions
    assert len(submission.values) == len(long_form(HUGE).inputs)
    assert joined_text(submission, "story") == "\n".join(HUGE)
