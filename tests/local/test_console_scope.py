"""The local chat answers membership too: a person is in every channel they have spoken in."""

from __future__ import annotations

from adapters.local.console import PLATFORM, WORKSPACE
from bot.app import AlignBot
from bot.events import Actor, Command, Conversation, Submission
from bot.replies import Form
from tests.local.console import converse
from tests.unit.votes.support import new_values


async def open_vote_in_general(bot: AlignBot) -> None:
    ana = Actor(PLATFORM, WORKSPACE, "ana", "ana", None, is_admin=True)
    general = Conversation(PLATFORM, WORKSPACE, "general")
    form = await bot.handle(Command("vote", "new", ana, general))
    assert isinstance(form, Form)
    values = new_values(items="Alpha\nBeta", method="single")
    await bot.handle(Submission(form.form_id, values, ana, general, form.metadata))


async def test_a_vote_is_read_from_elsewhere_only_by_people_in_its_channel(
    alignbot: AlignBot,
) -> None:
    await open_vote_in_general(alignbot)
    out, _ = await converse(
        alignbot,
        [
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
    assert "There's no vote 1 here" in in_random[1]
    assert "Alpha" not in in_random[1]
    assert "Alpha" in in_random[-2]  # the last prompt there only says Bye
