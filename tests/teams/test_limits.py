"""Teams' size limit, enforced where activities leave (RetryingConnector): split, or a notice."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials

from adapters.teams import cards, limits
from adapters.teams.connector import RetryingConnector, card_activity
from adapters.teams.retry import RetryPolicy
from bot.metrics import Metrics
from bot.replies import Actions, Option, Select, reply, text
from tests.support.fake_connector import FakeConnector

FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


@pytest.fixture
async def retrying(connector: FakeConnector) -> AsyncIterator[RetryingConnector]:
    async with ConnectorClient(MicrosoftAppCredentials("", ""), base_url=connector.url) as client:
        yield RetryingConnector(client, FAST, Metrics())


def sizes(activity: dict[str, Any]) -> tuple[int, int]:
    """UTF-8 and UTF-16 sizes of the activity as the Bot Framework client sends it."""
    raw = json.dumps(activity)
    return len(raw.encode()), len(raw.encode("utf-16-le"))


def menu_card(options: int) -> dict[str, Any]:
    """A card that cannot be split: one menu with many options."""
    choices = tuple(Option(f"Option {i} " + "o" * 40, str(i)) for i in range(options))
    return cards.reply_card(reply(Actions((Select("pick", "Pick", choices),))))


async def test_an_activity_over_the_limit_becomes_a_notice_saying_so(
    retrying: RetryingConnector, connector: FakeConnector
) -> None:
    await retrying.post("conv-1", card_activity(menu_card(800), "menu"))
    [call] = connector.of_kind("post")
    shown = call.card["body"][0]["text"]
    assert "too big for one Teams message" in shown
    assert "Teams takes 28 KB" in shown
    assert connector.refused == []  # nothing over the limit ever reached the connector


async def test_a_too_big_refusal_from_the_connector_is_answered_with_the_notice(
    retrying: RetryingConnector, connector: FakeConnector
) -> None:
    connector.fail_next(1, status=413, retry_after=None)
    await retrying.reply("conv-1", "msg-1", card_activity(menu_card(3), "menu"))
    assert connector.refused == [413]
    [call] = connector.of_kind("reply")
    assert "too big for one Teams message" in call.card["body"][0]["text"]


async def test_other_refusals_still_fail_loudly(
    retrying: RetryingConnector, connector: FakeConnector
) -> None:
    connector.fail_next(1, status=403, retry_after=None)
    with pytest.raises(Exception, match=r"403|Forbidden|try again"):
        await retrying.post("conv-1", card_activity(menu_card(3), "menu"))
    assert connector.of_kind("post") == []


def test_long_replies_split_into_cards_within_both_budgets() -> None:
    ascii_text = "\n".join(f"line {i} " + "a" * 90 for i in range(900))  # ~90 K characters
    wide_text = "\n".join(f"行 {i} " + "漢" * 60 for i in range(900))
    for body in (ascii_text, wide_text):
        parts = cards.reply_cards(reply(text(body)))
        assert len(parts) > 1
        for card in parts:
            utf8, utf16 = sizes(Activity.serialize(card_activity(card, "x")))
            assert utf8 <= limits.MAX_UTF8
            assert utf16 <= limits.MAX_UTF16
        shown = "".join(block["text"] for card in parts for block in card["body"])
        assert shown.replace("\n\n", "\n") == cards.escape(body).replace("\n\n", "\n")


def test_weight_is_measured_on_the_wire_where_utf16_is_the_stricter_budget() -> None:
    assert limits.weight("a" * 10) == 17  # 12 wire characters; 24 bytes of UTF-16, scaled
    assert limits.fits({"text": "a" * 19_000})
    assert not limits.fits({"text": "a" * 20_000})  # 40 KB of UTF-16
    assert limits.fits("漢" * 3_000)  # travels as \\uXXXX: 18 K wire characters
    assert not limits.fits("漢" * 3_400)
