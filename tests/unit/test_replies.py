"""The reply tree: bars drawn the same everywhere, fallbacks, and the plain rendering."""

from __future__ import annotations

from adapters.local.render import render
from bot.replies import Bar, Bars, Bold, Code, Heading, Mention, Preformatted, fields, reply, text


def test_bars_scale_to_the_largest_value() -> None:
    bars = Bars((Bar("Must", 6), Bar("Should", 3), Bar("Won't", 0)), width=10)
    assert bars.lines() == [
        "Must   ██████████ 6",
        "Should █████░░░░░ 3",
        "Won't  ░░░░░░░░░░ 0",
    ]


def test_bars_with_fixed_scale_notes_and_long_labels() -> None:
    bars = Bars((Bar("A" * 40, 50, "50%"),), width=4, scale_max=100)
    assert bars.lines() == ["A" * 27 + "… ██░░ 50  50%"]


def test_bars_handle_all_zero_and_empty() -> None:
    assert Bars((Bar("x", 0),), width=3).lines() == ["x ░░░ 0"]
    assert Bars(()).lines() == []


def test_fallback_is_the_heading_or_first_text() -> None:
    assert reply(Heading("Vote closed"), text("x")).fallback == "Vote closed"
    assert reply(text("Hi ", Mention("U1", "Ana"))).fallback == "Hi @Ana"
    assert reply(Preformatted("a")).fallback == "alignbot"


def test_plain_rendering_of_every_block() -> None:
    shown = render(
        reply(
            Heading("Title"),
            text("a ", Bold("b"), " ", Code("c")),
            fields(("Owner", [Mention("U1", "Ana")]), ("Note", "plain")),
        )
    )
    assert shown == "== Title ==\na b `c`\nOwner: @Ana\nNote: plain"
