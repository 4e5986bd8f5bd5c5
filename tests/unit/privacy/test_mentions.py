"""Mentions count as people only where a command takes people, never inside a quoted name."""

from __future__ import annotations

import pytest

from adapters.local.render import render
from bot.app import AlignBot
from bot.errors import UserError
from bot.mentions import split_quoted
from bot.replies import Outcome, Reply
from tests.conftest import ask, person

ADMIN = person("U0", "Admin", admin=True)


def shown(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


async def test_a_mention_inside_the_quoted_role_name_is_neither_assigned_nor_pinged(
    alignbot: AlignBot,
) -> None:
    answer = shown(await ask(alignbot, '/role assign <@U2|Ben> "Tech Lead <@U3|Cy>"', ADMIN))
    assert "Ben now holds the Tech Lead role" in answer
    assert "Cy" not in answer
    owners = shown(await ask(alignbot, "who owns the release decision?"))
    assert "Tech Lead: @Ben" in owners
    assert "@Cy" not in owners


async def test_people_outside_the_quotes_are_all_assigned(alignbot: AlignBot) -> None:
    answer = shown(await ask(alignbot, '/role assign <@U2|Ben> "Tech Lead" <@U3|Cy>', ADMIN))
    assert "Ben, Cy now hold the Tech Lead role" in answer


async def test_a_role_unassign_ignores_mentions_inside_the_quotes(alignbot: AlignBot) -> None:
    await ask(alignbot, "/role assign <@U2|Ben> <@U3|Cy> tech lead", ADMIN)
    answer = shown(await ask(alignbot, '/role unassign <@U2|Ben> "Tech Lead <@U3|Cy>"', ADMIN))
    assert "1 person no longer in Tech Lead" in answer
    owners = shown(await ask(alignbot, "who owns the release decision?"))
    assert "Tech Lead: @Cy" in owners


def test_split_quoted_keeps_mentions_in_quotes_out_of_the_outside_text() -> None:
    assert split_quoted("<@U2> “Role <@U3>” x") == ("<@U2>   x", ["Role <@U3>"])
    with pytest.raises(UserError, match="quote is left open"):
        split_quoted('<@U2> "Role')
