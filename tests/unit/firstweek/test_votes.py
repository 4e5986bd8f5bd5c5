"""First-week vote bugs: mentions in questions, over-long questions, ids typed with `#`."""

from __future__ import annotations

from adapters.local.render import controls, render
from bot.app import AlignBot
from bot.events import Action
from bot.replies import Button, Form
from tests.conftest import ask, channel, person
from tests.unit.votes.support import counts, open_vote, text_of


async def test_mentions_in_a_question_are_kept_as_readable_text(alignbot: AlignBot) -> None:
    form = await ask(alignbot, "/vote new Should <@U2|ben> lead the <#C9|design> review?")
    assert isinstance(form, Form)
    assert form.inputs[0].initial == "Should @ben lead the #design review?"


async def test_an_over_long_question_is_refused_with_the_limit_not_cut(alignbot: AlignBot) -> None:
    refused = text_of(await ask(alignbot, "/vote new " + "x" * 10_000))
    assert "300 characters" in refused
    assert "10,000" in refused
    assert await counts(alignbot) == (0, 0, 0)


async def test_vote_ids_are_read_with_or_without_hash_and_never_echo_markup(
    alignbot: AlignBot,
) -> None:
    poll_id = await open_vote(alignbot)
    for typed in (
        f"{poll_id}",
        f"#{poll_id}",
        f"<#{poll_id}|{poll_id}>",
        f"<#C0{poll_id}|{poll_id}>",
    ):
        shown = text_of(await ask(alignbot, f"/vote results {typed}"))
        assert f"vote {poll_id}" in shown.lower(), typed
    refused = text_of(await ask(alignbot, "/vote results <#C123|general>"))
    assert "<#" not in refused
    assert "#general" in refused


async def test_a_deleted_vote_id_is_never_handed_out_again(alignbot: AlignBot) -> None:
    first = await open_vote(alignbot)
    await ask(alignbot, f"/vote delete {first} confirm")
    second = await open_vote(alignbot)
    assert second != first
    assert "There's no vote" in render(await ask(alignbot, f"/vote results {first}", person()))


async def test_delete_asks_first_and_the_button_deletes(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot)
    asked = await ask(alignbot, f"/vote delete {poll_id}")
    assert "can't be undone" in text_of(asked)
    assert await counts(alignbot) == (1, 0, 0)
    (button,) = controls(asked)
    assert isinstance(button, Button)
    done = await alignbot.handle(Action(button.action_id, button.value, person(), channel()))
    assert "deleted" in text_of(done)
    assert await counts(alignbot) == (0, 0, 0)
