"""The local chat answers membership too: a person is in every channel they have spoken in."""

from __future__ import annotations

from bot.app import AlignBot
from tests.local.test_console_fixes import NO_DEADLINE_OR_OPTIONS, converse, new_vote


async def test_a_vote_is_read_from_elsewhere_only_by_people_in_its_channel(
    alignbot: AlignBot,
) -> None:
    out, _ = await converse(
        alignbot,
        [
            *new_vote(["Alpha", "Beta"]),
            *NO_DEADLINE_OR_OPTIONS,
            ":as ben",
            ":in random",
            "/vote results 1",
            ":in general",
            "hello",
            ":in random",
            "/vote results 1",
        ],
    )
    in_random = out.split("ben@#random>")  # what each line typed in #random answered
    assert "There's no vote #1 here" in in_random[1]
    assert "Alpha" not in in_random[1]
    assert "Alpha" in in_random[-2]  # the last prompt there only says Bye
