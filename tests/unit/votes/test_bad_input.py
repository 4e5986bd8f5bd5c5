"""Every kind of bad input gets a clear message and stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import AlignBot
from bot.replies import Form
from tests.conftest import ask, person
from tests.support.recording import RecordingMessenger
from tests.unit.votes.support import (
    ballot_form,
    counts,
    errors_of,
    new_values,
    open_vote,
    stored_ballots,
    submit,
    text_of,
    vote_form,
)

FIFTY_ONE = "\n".join(f"Item {i}" for i in range(51))
TWENTY_FIVE = "\n".join(f"Item {i}" for i in range(25))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"items": "Only one"}, "items", "at least 2 items"),
        ({"items": "\n  \n- \n"}, "items", "at least 2 items"),
        ({"items": FIFTY_ONE}, "items", "51 items; a vote takes at most 50"),
        ({"items": TWENTY_FIVE, "method": "rice"}, "items", "at most 24 for RICE"),
        ({"items": "Search\nsearch "}, "items", "listed twice"),
        ({"items": "Dark  Mode\n- dark mode"}, "items", "listed twice"),
        ({"items": "A\n" + "x" * 151}, "items", "too long"),
        ({"question": "   "}, "question", "Ask a question"),
        ({"deadline_text": "2020-01-01 10:00"}, "deadline_text", "in the past"),
        ({"deadline_text": "yesterday-ish"}, "deadline_text", "can't read the deadline"),
        ({"deadline_text": "", "deadline_date": "2026-11-22"}, "deadline_date", "in the past"),
        ({"deadline_text": "", "deadline_time": "10:00"}, "deadline_date", "Pick a date"),
        ({"method": "plurality"}, "method", "Choose one of the methods"),
        ({"method": "multi", "max_choices": "9"}, "max_choices", "from 1 to 3"),
        ({"method": "dot", "dots": "0"}, "dots", "from 1 to 100"),
        ({"method": "dot", "dots": "lots"}, "dots", "whole number"),
        ({"method": "dot", "dots": "2.5"}, "dots", "whole number"),
    ],
)
async def test_bad_new_vote_is_refused_and_nothing_is_stored(
    alignbot: AlignBot,
    messenger: RecordingMessenger,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    outcome = await submit(alignbot, "vote.new", new_values(**overrides))
    assert message in errors_of(outcome)[field]
    assert await counts(alignbot) == (0, 0, 0)
    assert messenger.posts == []


async def test_several_problems_are_reported_together(alignbot: AlignBot) -> None:
    errors = errors_of(await submit(alignbot, "vote.new", new_values(question="", items="one")))
    assert set(errors) == {"question", "items"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/vote results 999", "There's no vote 999 here"),
        ("/vote close 999", "There's no vote 999 here"),
        ("/vote delete 999", "There's no vote 999 here"),
        ("/vote export 999", "There's no vote 999 here"),
        ("/vote results seven", "`seven` is not a vote number; e.g. `/vote results 7`"),
        ("/vote results 99999999999", "There's no vote 99999999999 here"),
        ("/vote results 99999999999999", "`99999999999999` is not a vote number"),
        ("/vote close #x1", "`#x1` is not a vote number"),
        ("/vote results", "`/vote results <id>` needs a vote number"),
        ("/vote results 7 please", "`please` is more than `/vote results <id>` takes"),
        ("/vote frobnicate 7", "I don't know `/vote frobnicate`"),
        ("/vote new from csv", "Paste the CSV"),
        ("/vote new from trello board", "I can import from `csv`, `github` or `jira`"),
        ("/vote new from github not-a-repo", "owner/repo"),
    ],
)
async def test_bad_commands_get_a_clear_message(
    alignbot: AlignBot, line: str, message: str
) -> None:
    assert message in text_of(await ask(alignbot, line))
    assert await counts(alignbot) == (0, 0, 0)


async def test_a_one_item_csv_opens_the_form_which_then_refuses_it(alignbot: AlignBot) -> None:
    form = await ask(alignbot, "/vote new from csv\ntitle\nOnly one")
    assert isinstance(form, Form)
    values = new_values(items=form.inputs[1].initial)
    assert "at least 2 items" in errors_of(await submit(alignbot, "vote.new", values))["items"]
    assert await counts(alignbot) == (0, 0, 0)


async def test_a_vote_id_from_another_workspace_is_unknown(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot)
    from dataclasses import replace

    stranger = replace(person("U7", "Eve"), workspace_id="W2")
    assert "There's no vote" in text_of(await ask(alignbot, f"/vote results {poll_id}", stranger))


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"reach_0": "-1"}, "reach_0", "Reach is a number, 0 or more"),
        ({"reach_0": "many"}, "reach_0", "Reach is a number"),
        ({"impact_0": "5"}, "impact_0", "0.25, 0.5, 1, 2 or 3"),
        ({"confidence_0": "120"}, "confidence_0", "0 to 100"),
        ({"confidence_0": "nan"}, "confidence_0", "0 to 100"),
        ({"effort_0": "0"}, "effort_0", "above 0"),
        ({"effort_1": ""}, "effort_1", "above 0"),
    ],
)
async def test_invalid_rice_numbers_are_refused(
    alignbot: AlignBot, values: dict[str, str], field: str, message: str
) -> None:
    poll_id = await open_vote(alignbot, method="rice", items="A\nB")
    good = {
        "reach_0": "10",
        "impact_0": "1",
        "confidence_0": "50",
        "effort_0": "1",
        "reach_1": "10",
        "impact_1": "1",
        "confidence_1": "50",
        "effort_1": "1",
    }
    outcome = await vote_form(alignbot, poll_id, person(), {**good, **values})
    assert message in errors_of(outcome)[field]
    assert await stored_ballots(alignbot) == []


@pytest.mark.parametrize(
    ("method", "values", "field", "message"),
    [
        ("multi", {"choices": ["0", "1", "2"]}, "choices", "at most 2"),
        ("multi", {"choices": []}, "choices", "at least one"),
        ("multi", {"choices": ["9"]}, "choices", "at least one"),
        ("dot", {"dots_0": "4", "dots_1": "2"}, "dots_0", "you have 5"),
        ("dot", {}, "dots_0", "at least one"),
        ("dot", {"dots_1": "-2"}, "dots_1", "whole number"),
        ("dot", {"dots_1": "1.5"}, "dots_1", "whole number"),
        ("ranked", {}, "rank_1", "first choice"),
        ("ranked", {"rank_1": "0", "rank_2": "0"}, "rank_2", "already ranked"),
        ("moscow", {"item_0": "M", "item_1": "X", "item_2": "W"}, "item_1", "Must, Should"),
        ("single", {"choice": "7"}, "choice", "Pick an item"),
    ],
)
async def test_invalid_ballots_are_refused(
    alignbot: AlignBot, method: str, values: dict[str, Any], field: str, message: str
) -> None:
    poll_id = await open_vote(alignbot, method=method, max_choices="2", dots="5")
    form = await ballot_form(alignbot, poll_id, person())
    outcome = await submit(alignbot, form.form_id, values, person(), form.metadata)
    assert message in errors_of(outcome)[field]
    assert await stored_ballots(alignbot) == []


async def test_a_forged_menu_value_is_refused(alignbot: AlignBot) -> None:
    from bot.events import Action
    from tests.conftest import channel

    poll_id = await open_vote(alignbot, method="single")
    outcome = await alignbot.handle(Action("vote.pick", f"{poll_id}:42", person(), channel()))
    assert "isn't on this vote" in text_of(outcome)
    assert await stored_ballots(alignbot) == []
