"""Does a reply or a form survive each platform's own limits? Slack's through slack_sdk's block
and view models, Teams' through the activity size budget, the dialog page budget and its
action limit. Used by the conformance tests and the rendering corpus
(`tests/unit/test_rendering_corpus.py`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.views import View

from adapters.slack import blocks as slack
from adapters.teams import cards
from adapters.teams.connector import card_activity
from adapters.teams.dialogs import DIALOG_BUDGET, pages
from adapters.teams.limits import MAX_UTF8, weight
from bot.replies import Form, Reply


def _action_counts(card: dict[str, Any]) -> list[int]:
    sets = [e["actions"] for e in card["body"] if e.get("type") == "ActionSet"]
    return [len(actions) for actions in [*sets, card.get("actions", [])]]


def assert_reply_fits(reply: Reply) -> None:
    rendered = slack.message(reply)
    assert len(rendered["blocks"]) <= slack.MAX_BLOCKS, reply.fallback
    for block in rendered["blocks"]:
        SlackBlock.parse(block).validate_json()  # type: ignore[union-attr]
    for card in cards.reply_cards(reply):
        activity = card_activity(card, reply.fallback).serialize()
        assert weight(activity) <= MAX_UTF8, reply.fallback
        assert all(count <= cards.MAX_ACTIONS for count in _action_counts(card)), reply.fallback


def assert_form_fits(form: Form) -> None:
    """A Slack modal with every input shown, and Teams dialog pages holding every input once;
    on both, each menu offers every option (none cut off at a platform's limit)."""
    view = slack.modal(form, "m" * 100)
    View(**view).validate_json()
    shown = {b.get("block_id") for b in view["blocks"]}
    assert {i.name for i in form.inputs} <= shown, form.form_id
    menus = {i.name: [o.value for o in i.options] for i in form.inputs if i.options}
    for block in view["blocks"]:
        if block.get("block_id") in menus:
            offered = [o["value"] for o in block["element"].get("options", [])]
            assert offered == menus[block["block_id"]], (form.form_id, block["block_id"])
    on_pages: list[str] = []
    for page, inputs in enumerate(pages(form)):
        card = cards.form_card(replace(form, inputs=inputs), [cards.dialog_action("Go", {})])
        assert weight(card) <= DIALOG_BUDGET, (form.form_id, page)
        assert all(count <= cards.MAX_ACTIONS for count in _action_counts(card)), form.form_id
        for element in card["body"]:
            if element.get("id") in menus:
                offered = [c["value"] for c in element["choices"]]
                assert offered == menus[element["id"]], (form.form_id, element["id"])
        on_pages += [e["id"] for e in card["body"] if "id" in e]
    assert on_pages == [i.name for i in form.inputs], form.form_id
