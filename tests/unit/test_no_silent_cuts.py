"""Nothing is cut without a word: long pre-filled text spreads over inputs both adapters show
whole (checked with slack_sdk's own view model), and summaries say what they really kept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.models.views import View

from adapters.slack import blocks as slack_blocks
from adapters.teams import cards
from bot.app import AlignBot
from bot.events import Submission
from bot.limits import joined_text, pack, text_inputs
from bot.replies import MAX_TEXT_INPUT, Form, Input, InputKind, Reply, reply, text
from tests.conftest import ask, channel, person
from tests.unit.insights.helpers import form_values, open_form, share
from tests.unit.insights.helpers import submit as submit_insight


def slack_initial_texts(form: Form, name: str) -> list[str]:
    """The pre-filled text of `name` and its continuations, as Slack's modal would show it."""
    view = slack_blocks.modal(form, "meta")
    View(**view).validate_json()  # slack_sdk refuses any text over Slack's limits
    return [
        block["element"].get("initial_value", "")
        for block in view["blocks"]
        if block["type"] == "input" and block["block_id"].split("_")[0] == name
    ]


def teams_initial_texts(form: Form, name: str) -> list[str]:
    card = cards.form_card(form, [])
    return [
        element.get("value", "")
        for element in card["body"]
        if str(element.get("id", "")).split("_")[0] == name
    ]


def as_submitted(form: Form) -> dict[str, Any]:
    return {item.name: item.initial for item in form.inputs}


async def test_a_50_item_csv_import_keeps_every_item_on_both_platforms(alignbot: AlignBot) -> None:
    titles = [f"Story {i:02d} " + "w" * 140 for i in range(50)]  # 149 characters each
    form = await ask(alignbot, "/vote new from csv\ntitle\n" + "\n".join(titles))
    assert isinstance(form, Form)
    assert "Imported 50 items from csv" in str(form.intro)
    for shown in (slack_initial_texts(form, "items"), teams_initial_texts(form, "items")):
        assert all(len(text) <= MAX_TEXT_INPUT for text in shown)
        assert "\n".join(t for t in shown if t).split("\n") == titles
    values = as_submitted(form) | {"question": "Which next?", "method": "ranked"}
    outcome = await alignbot.handle(
        Submission(form.form_id, values, person(), channel(), form.metadata)
    )
    assert isinstance(outcome, Reply)
    assert "is open in the channel" in outcome.fallback
    results = await ask(alignbot, "/vote results 1")
    assert isinstance(results, Reply)
    assert all(title in str(results) for title in titles)


async def test_imported_titles_too_long_for_an_item_are_shortened_and_the_form_says_so(
    alignbot: AlignBot,
) -> None:
    form = await ask(alignbot, "/vote new from csv\ntitle\nShort one\n" + "L" * 400)
    assert isinstance(form, Form)
    intro = str(form.intro)
    assert "Imported 2 items" in intro
    assert "1 of them were longer than 150 characters" in intro
    assert max(len(line) for line in slack_initial_texts(form, "items")[0].split("\n")) == 150


async def test_an_insight_edit_keeps_all_twenty_long_related_items(alignbot: AlignBot) -> None:
    items = [f"Backlog item {i:02d} " + "z" * 184 for i in range(20)]  # 200 characters each
    await share(alignbot, items="\n".join(items))
    form = await open_form(alignbot, "/insight edit 1")
    for shown in (slack_initial_texts(form, "items"), teams_initial_texts(form, "items")):
        assert len([t for t in shown if t]) == 2
        assert "\n".join(t for t in shown if t).split("\n") == items
    edited = form_values(
        **{item.name: item.initial or "" for item in form.inputs if "items" in item.name}
    )
    outcome = await submit_insight(alignbot, form, edited)
    assert isinstance(outcome, Reply), outcome
    again = await open_form(alignbot, "/insight edit 1")
    assert (
        "\n".join(i.initial or "" for i in again.inputs if i.name.startswith("items")).split("\n")
        == items
    )


def test_an_input_refuses_prefilled_text_it_could_not_show_whole() -> None:
    with pytest.raises(ValueError, match="3001 characters pre-filled"):
        Input("notes", "Notes", InputKind.MULTILINE, initial="n" * 3001)
    with pytest.raises(ValueError, match="max_length"):
        Input("notes", "Notes", InputKind.MULTILINE, max_length=MAX_TEXT_INPUT + 1)
    assert Input("pick", "Pick", InputKind.SELECT, initial="x" * 5000).initial  # not text


def test_long_text_spreads_over_inputs_and_reads_back_whole() -> None:
    pieces = [f"{i:03d} " + "p" * 95 for i in range(70)]  # 70 lines of 99 characters
    inputs = text_inputs("items", "Items", pieces, hint="one per line")
    assert [i.name for i in inputs] == ["items", "items_2", "items_3"]
    assert [i.required for i in inputs] == [True, False, False]
    assert all(isinstance(i.initial, str) and len(i.initial) <= MAX_TEXT_INPUT for i in inputs)
    values = {i.name: i.initial for i in inputs}
    submission = Submission("f", values, person(), channel())
    assert joined_text(submission, "items").split("\n") == pieces
    assert [i.name for i in text_inputs("items", "Items", [])] == ["items"]
    with pytest.raises(ValueError, match="cannot fit"):
        pack(["q" * (MAX_TEXT_INPUT + 1)], "\n")


def test_slack_splits_an_overlong_line_over_sections_instead_of_cutting() -> None:
    line = "&<>" * 1500  # escapes to 13,500 characters, one line
    rendered = slack_blocks.render_blocks(reply(text(line)))
    shown = "".join(block["text"]["text"] for block in rendered)
    assert shown == slack_blocks.escape(line)
    assert all(len(block["text"]["text"]) <= 3000 for block in rendered)
    json.dumps(rendered)
