"""A submitted ballot form is checked against its vote before its contents are read: a closed
vote or an outsider is told so, never asked to fix their inputs, and nothing is stored."""

from __future__ import annotations

from bot.app import AlignBot
from tests.conftest import ask, person
from tests.unit.votes.support import ballot_form, counts, open_vote, ranks, submit, text_of

ADA, BO, CY = person("U1", "Ada"), person("U2", "Bo"), person("U3", "Cy")


async def test_a_ballot_for_a_closed_vote_is_refused_as_closed_whatever_it_holds(
    alignbot: AlignBot,
) -> None:
    poll_id = await open_vote(alignbot)
    form = await ballot_form(alignbot, poll_id, ADA)
    await submit(alignbot, form.form_id, ranks([0, 1, 2]), ADA, form.metadata)
    late = await ballot_form(alignbot, poll_id, BO)
    await ask(alignbot, f"/vote close {poll_id}")
    empty = await submit(alignbot, late.form_id, {}, BO, late.metadata)
    assert "is closed" in text_of(empty)
    assert await counts(alignbot) == (1, 1, 1)


async def test_an_outsiders_ballot_is_refused_before_its_inputs_are_read(
    alignbot: AlignBot,
) -> None:
    poll_id = await open_vote(alignbot, voters=["U2"])
    form = await ballot_form(alignbot, poll_id, BO)
    refused = await submit(alignbot, form.form_id, {}, CY, form.metadata)
    assert "named people only" in text_of(refused)
    assert "is in" in text_of(await submit(alignbot, form.form_id, ranks([2]), BO, form.metadata))
    assert await counts(alignbot) == (1, 1, 1)
