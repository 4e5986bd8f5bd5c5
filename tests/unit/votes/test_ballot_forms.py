"""The biggest votes still fit every platform: nothing cut off a Slack modal or a Teams card."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from adapters.slack.blocks import MAX_BLOCKS, MAX_MODAL_BLOCKS, message, modal
from adapters.teams.cards import SHORTENED, form_card, single_card
from adapters.teams.dialogs import DIALOG_BUDGET, pages
from adapters.teams.limits import weight
from bot.events import Submission
from bot.features.votes import ballots
from bot.features.votes.ballots import ballot_form
from bot.features.votes.forms import MAX_ITEMS, MAX_RICE_ITEMS
from bot.features.votes.tally import Method, tally
from bot.features.votes.views import poll_message
from storage.models.votes import Poll
from tests.conftest import channel, person
from tests.support.builders import poll


def _poll(method: Method, items: int) -> Poll:
    largest = poll(
        1,
        platform="local",
        question="Which epic next? " * 10,
        method=method.value,
        items=[f"Backlog item number {i} with a long-ish title" for i in range(items)],
        max_choices=3,
        dots=5,
    )
    largest.id = 7
    return largest


@pytest.mark.parametrize("method", list(Method))
def test_largest_ballot_keeps_every_input_in_a_slack_modal(method: Method) -> None:
    items = MAX_RICE_ITEMS if method is Method.RICE else MAX_ITEMS
    form = ballot_form(_poll(method, items), None)
    blocks = modal(form, "{}")["blocks"]
    assert len(blocks) <= MAX_MODAL_BLOCKS
    block_ids = {block.get("block_id") for block in blocks}
    assert {i.name for i in form.inputs} <= block_ids


def test_rice_effort_accepts_fractions_on_slack() -> None:
    form = ballot_form(_poll(Method.RICE, 2), None)
    effort = next(b for b in modal(form, "{}")["blocks"] if b.get("block_id") == "effort_0")
    assert effort["element"]["is_decimal_allowed"] is True


def test_ballot_form_prefills_the_current_ballot() -> None:
    form = ballot_form(_poll(Method.MOSCOW, 3), ["M", "W", "C"])
    assert [i.initial for i in form.inputs] == ["M", "W", "C"]
    assert form.metadata == "7"


@pytest.mark.parametrize("method", list(Method))
def test_largest_live_message_fits_slack_and_one_teams_card(method: Method) -> None:
    items = MAX_RICE_ITEMS if method is Method.RICE else MAX_ITEMS
    poll = _poll(method, items)
    result = tally(method, items, [])
    now = datetime(2026, 11, 23, tzinfo=UTC)
    for shown in (result, None):
        live = poll_message(poll, shown, 0, now)
        assert len(message(live)["blocks"]) <= MAX_BLOCKS
        assert SHORTENED not in json.dumps(single_card(live), ensure_ascii=False)


@pytest.mark.parametrize("method", list(Method))
def test_largest_ballot_renders_every_input_in_teams_dialog_pages_that_fit(
    method: Method,
) -> None:
    items = MAX_RICE_ITEMS if method is Method.RICE else MAX_ITEMS
    form = ballot_form(_poll(method, items), None)
    shown: list[str] = []
    for inputs in pages(form):
        card = form_card(replace(form, inputs=inputs), [])
        assert weight(card) <= DIALOG_BUDGET
        shown += [e["id"] for e in card["body"] if "id" in e]
    assert shown == [i.name for i in form.inputs]


def test_a_large_ranked_ballot_is_one_order_input_read_back_as_item_numbers() -> None:
    poll = _poll(Method.RANKED, MAX_ITEMS)
    form = ballot_form(poll, [4, 0, 49])
    [order] = form.inputs
    assert (order.name, order.initial) == ("order", "5, 1, 50")
    assert "50. Backlog item number 49" in "".join(str(span) for span in form.intro)

    def read(typed: str) -> object:
        return ballots.read(poll, Submission("vote.ballot", {"order": typed}, person(), channel()))

    assert read("3, 1 2 > 50") == [2, 0, 1, 49]
    assert read("") == {"order": "Rank at least your first choice, e.g. 3, 1, 2."}
    assert "isn't an item number; use 1 to 50" in str(read("3, 51"))
    assert "isn't an item number" in str(read("3, two"))
    assert "is listed twice" in str(read("3, 1, 3"))


def test_a_small_ranked_ballot_keeps_a_menu_per_rank() -> None:
    form = ballot_form(_poll(Method.RANKED, 10), None)
    assert [i.name for i in form.inputs] == [f"rank_{r}" for r in range(1, 11)]
