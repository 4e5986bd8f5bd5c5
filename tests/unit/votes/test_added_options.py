"""Voters add options to single, multiple and dot votes, when the creator allowed it."""

from __future__ import annotations

import json

from sqlmodel import select

from adapters.local.render import render
from bot.app import AlignBot
from bot.events import Action, Actor
from bot.features.votes import personal_data
from bot.features.votes.forms import MAX_ITEMS, WHY_NOT_ADDABLE
from bot.features.votes.personal import forget_person
from bot.replies import Actions, Button, Form, Outcome, Reply
from storage.models.votes import AddedOption, Poll
from tests.conftest import WORKSPACE, ask, channel, person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.votes.support import (
    ballot_form,
    errors_of,
    new_values,
    open_vote,
    pick,
    submit,
    text_of,
    vote_form,
)

ADA, BO, CY = person("U1", "Ada"), person("U2", "Bo"), person("U3", "Cy")


async def _add_form(bot: AlignBot, poll_id: int, who: Actor) -> Outcome:
    return await bot.handle(Action("vote.add", str(poll_id), who, channel()))


async def add(bot: AlignBot, poll_id: int, label: str, who: Actor = BO) -> Outcome:
    """Presses "Add an option" on the vote's message and submits the form, as a voter does."""
    form = await _add_form(bot, poll_id, who)
    assert isinstance(form, Form), text_of(form)
    return await submit(bot, form.form_id, {"option": label}, who, form.metadata)


async def items(bot: AlignBot, poll_id: int) -> list[str]:
    async with bot.ctx.db.transaction() as session:
        poll = (await session.exec(select(Poll).where(Poll.id == poll_id))).one()
    listed: list[str] = json.loads(poll.items)
    return listed


async def added_rows(bot: AlignBot) -> list[AddedOption]:
    async with bot.ctx.db.transaction() as session:
        return list((await session.exec(select(AddedOption))).all())


def controls(message: Reply) -> list[str]:
    return [
        element.action_id
        for block in message.blocks
        if isinstance(block, Actions)
        for element in block.elements
        if isinstance(element, Button)
    ]


async def test_the_form_offers_additions_and_says_why_not_for_rating_methods(
    alignbot: AlignBot,
) -> None:
    form = await ask(alignbot, "/vote new Which epic next?")
    assert isinstance(form, Form)
    choice = next(i for i in form.inputs if i.name == "allow_additions")
    assert choice.initial == "no"
    assert choice.hint == WHY_NOT_ADDABLE
    for method in ("ranked", "moscow", "rice"):
        refused = await submit(
            alignbot, "vote.new", new_values(method=method, allow_additions="yes"), ADA
        )
        assert errors_of(refused) == {"allow_additions": WHY_NOT_ADDABLE}
    async with alignbot.ctx.db.transaction() as session:
        assert (await session.exec(select(Poll))).first() is None


async def test_an_added_option_shows_for_everyone_takes_votes_and_reaches_the_result(
    alignbot: AlignBot, messenger: RecordingMessenger, clock: FakeClock
) -> None:
    poll_id = await open_vote(alignbot, method="single", allow_additions="yes")
    live = messenger.posts[0]
    assert controls(live.reply) == ["vote.add"]  # the menu votes; the button adds
    await pick(alignbot, poll_id, 0, ADA)

    done = await add(alignbot, poll_id, "  Dark   mode ")
    assert "Added “Dark mode” to vote" in text_of(done)
    assert "as option 4" in text_of(done)
    assert await items(alignbot, poll_id) == ["Search", "Onboarding", "Billing", "Dark mode"]
    ref, redrawn = messenger.updates[-1]
    assert ref == live.ref  # the message everyone sees, updated in place
    shown = render(redrawn)
    assert "4. Dark mode" in shown
    assert "Added by voters: 4. Dark mode (@U2)" in shown

    voted = await pick(alignbot, poll_id, 3, CY)
    assert "Dark mode" in text_of(voted)
    await pick(alignbot, poll_id, 3, BO)
    result = text_of(await ask(alignbot, f"/vote results {poll_id}"))
    assert "Leading: Dark mode" in result
    await ask(alignbot, f"/vote close {poll_id}")
    final = render(messenger.posts[-1].reply)
    assert "Winner: Dark mode" in final


async def test_duplicates_empty_and_long_options_are_refused_and_nothing_changes(
    alignbot: AlignBot,
) -> None:
    poll_id = await open_vote(alignbot, method="multi", allow_additions="yes")
    assert "already on vote" in errors_of(await add(alignbot, poll_id, "search"))["option"]
    await add(alignbot, poll_id, "Dark mode")
    again = await add(alignbot, poll_id, "DARK  MODE", who=CY)
    assert "already on vote" in errors_of(again)["option"]
    assert "Type the option" in errors_of(await add(alignbot, poll_id, "   "))["option"]
    assert "under 150" in errors_of(await add(alignbot, poll_id, "x" * 151))["option"]
    assert await items(alignbot, poll_id) == ["Search", "Onboarding", "Billing", "Dark mode"]
    assert [(r.label, r.position, r.added_by) for r in await added_rows(alignbot)] == [
        ("Dark mode", 3, "U2")
    ]


async def test_a_replayed_submission_adds_the_option_once(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot, method="single", allow_additions="yes")
    form = await _add_form(alignbot, poll_id, BO)
    assert isinstance(form, Form)
    first = await submit(alignbot, form.form_id, {"option": "Dark mode"}, BO, form.metadata)
    replay = await submit(alignbot, form.form_id, {"option": "Dark mode"}, BO, form.metadata)
    assert "Added" in text_of(first)
    assert "already on vote" in errors_of(replay)["option"]
    assert (await items(alignbot, poll_id)).count("Dark mode") == 1
    assert len(await added_rows(alignbot)) == 1


async def test_votes_that_take_no_additions_refuse_the_button_and_a_forged_form(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    plain = await open_vote(alignbot, method="single")
    assert controls(messenger.posts[-1].reply) == []
    assert "takes no new options" in text_of(await _add_form(alignbot, plain, BO))
    forged = await submit(alignbot, "vote.option", {"option": "Dark mode"}, BO, str(plain))
    assert "takes no new options" in text_of(forged)
    junk = await submit(alignbot, "vote.option", {"option": "Dark mode"}, BO, "7; drop")
    assert "numbers" in text_of(junk)
    assert await items(alignbot, plain) == ["Search", "Onboarding", "Billing"]

    ranked = await open_vote(alignbot, method="ranked")
    assert controls(messenger.posts[-1].reply) == ["vote.open"]
    assert "takes no new options" in text_of(await _add_form(alignbot, ranked, BO))


async def test_closed_full_and_closed_to_you_votes_take_no_option(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot, method="dot", allow_additions="yes", voters=["U1", "U2"])
    form = await _add_form(alignbot, poll_id, BO)
    assert isinstance(form, Form)
    outsider = await submit(alignbot, form.form_id, {"option": "Dark mode"}, CY, form.metadata)
    assert "not on its list" in text_of(outsider)
    await ask(alignbot, f"/vote close {poll_id}")
    late = await submit(alignbot, form.form_id, {"option": "Dark mode"}, BO, form.metadata)
    assert "is closed" in text_of(late)
    assert await items(alignbot, poll_id) == ["Search", "Onboarding", "Billing"]

    many = "\n".join(f"Item {n}" for n in range(MAX_ITEMS))
    full = await open_vote(alignbot, method="single", allow_additions="yes", items=many)
    assert f"already has {MAX_ITEMS} options" in text_of(await _add_form(alignbot, full, BO))


async def test_a_dot_ballot_cast_before_an_addition_still_opens_and_can_use_it(
    alignbot: AlignBot,
) -> None:
    poll_id = await open_vote(alignbot, method="dot", dots="5", allow_additions="yes")
    await vote_form(alignbot, poll_id, ADA, {"dots_0": "3", "dots_1": "2", "dots_2": "0"})
    await add(alignbot, poll_id, "Dark mode")
    form = await ballot_form(alignbot, poll_id, ADA)
    assert [i.name for i in form.inputs] == ["dots_0", "dots_1", "dots_2", "dots_3"]
    assert [i.initial for i in form.inputs] == ["3", "2", None, None]
    changed = await vote_form(
        alignbot, poll_id, ADA, {"dots_0": "1", "dots_1": "0", "dots_2": "0", "dots_3": "4"}
    )
    assert "Dark mode x4" in text_of(changed)
    result = text_of(await ask(alignbot, f"/vote results {poll_id}"))
    assert "Dark mode" in result.split("Search")[0]  # ranked above Search


async def test_anonymous_votes_record_no_adder(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    poll_id = await open_vote(alignbot, method="single", anonymous="yes", allow_additions="yes")
    await add(alignbot, poll_id, "Dark mode")
    [row] = await added_rows(alignbot)
    assert row.added_by == ""
    shown = render(messenger.updates[-1][1])
    assert "Added by voters: 4. Dark mode" in shown
    assert "U2" not in shown


async def test_the_adder_sees_their_options_in_their_data_and_forgetting_drops_their_name(
    alignbot: AlignBot,
) -> None:
    poll_id = await open_vote(alignbot, method="single", allow_additions="yes")
    await add(alignbot, poll_id, "Dark mode")
    async with alignbot.ctx.db.transaction() as session:
        mine = await personal_data(session, WORKSPACE, "U2")
        assert mine["options added to votes"] == [
            {"vote": poll_id, "question": "Which epic next?", "option": "Dark mode"}
        ]
        assert await forget_person(session, WORKSPACE, "U2") >= 1
    [row] = await added_rows(alignbot)
    assert (row.label, row.added_by) == ("Dark mode", "")
    assert "Dark mode" in await items(alignbot, poll_id)
