"""Calmer results: the winner and bars first, no zero-vote rows, footnotes only when needed,
role rows only where a role differs, one sentence when Borda and Schulze disagree."""

from __future__ import annotations

from adapters.local.render import render
from bot.app import AlignBot
from bot.replies import Bars, Heading, Reply, Text
from tests.conftest import ask, person
from tests.support.recording import RecordingMessenger
from tests.unit.votes.support import give_roles, open_vote, pick, ranks, text_of, vote_form

ADA, BO, CY, DI, EVE = (
    person(f"U{i}", name) for i, name in enumerate(["Ada", "Bo", "Cy", "Di", "Eve"], 1)
)


def _kinds(outcome: object) -> list[str]:
    assert isinstance(outcome, Reply)
    return [type(block).__name__ for block in outcome.blocks]


async def test_results_lead_with_the_winner_then_the_bars(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot, method="single")
    await pick(alignbot, poll_id, 2, ADA)
    outcome = await ask(alignbot, f"/vote results {poll_id}")
    assert isinstance(outcome, Reply)
    assert isinstance(outcome.blocks[0], Heading)
    assert isinstance(outcome.blocks[1], Text)
    assert "Leading: Billing" in render(Reply((outcome.blocks[1],)))
    assert isinstance(outcome.blocks[2], Bars)


async def test_items_nobody_voted_for_get_no_tied_rows(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    poll_id = await open_vote(alignbot, method="single")
    await pick(alignbot, poll_id, 2, ADA)
    await pick(alignbot, poll_id, 2, BO)
    shown = text_of(await ask(alignbot, f"/vote results {poll_id}"))
    assert "(tie)" not in shown
    assert "░░░░░░░░░░░░░░░░░░░░ 0" not in shown
    assert "No votes: Search, Onboarding" in shown
    await ask(alignbot, f"/vote close {poll_id}")
    final = render(messenger.posts[-1].reply)
    assert "Winner: Billing" in final
    assert "Ties share a rank" not in final


async def test_the_tie_footnote_appears_when_something_is_tied(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    poll_id = await open_vote(alignbot, method="single")
    await pick(alignbot, poll_id, 0, ADA)
    await pick(alignbot, poll_id, 2, BO)
    await ask(alignbot, f"/vote close {poll_id}")
    final = render(messenger.posts[-1].reply)
    assert "tie between Search and Billing" in final
    assert "Ties share a rank" in final


async def test_one_sentence_says_why_borda_and_schulze_disagree(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    # 3 x Search > Onboarding > Billing, 2 x Onboarding > Billing > Search: Borda puts
    # Onboarding first (7 points to 6); Search beats both others head to head 3-2.
    poll_id = await open_vote(alignbot)
    for who in (ADA, BO, CY):
        await vote_form(alignbot, poll_id, who, ranks([0, 1, 2]))
    for who in (DI, EVE):
        await vote_form(alignbot, poll_id, who, ranks([1, 2, 0]))
    await ask(alignbot, f"/vote close {poll_id}")
    final = render(messenger.posts[-1].reply)
    assert "Winner by Borda count: Onboarding" in final
    assert "Winner by Schulze: Search" in final
    assert "Borda adds up every position" in final
    assert final.count("Borda adds up") == 1


async def test_when_borda_and_schulze_agree_one_winner_line(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot)
    for who in (ADA, BO):
        await vote_form(alignbot, poll_id, who, ranks([0, 1, 2]))
    shown = text_of(await ask(alignbot, f"/vote results {poll_id}"))
    assert "Leading: Search (Borda count and Schulze agree)" in shown
    assert "Borda adds up" not in shown
    assert "by Schulze" not in shown


async def test_role_rows_only_where_a_role_differs(alignbot: AlignBot) -> None:
    await give_roles(alignbot, {"U1": ["Product Owner"], "U2": ["UX"], "U3": ["UX"]})
    poll_id = await open_vote(alignbot, method="single")
    await pick(alignbot, poll_id, 0, ADA)
    await pick(alignbot, poll_id, 2, BO)
    await pick(alignbot, poll_id, 2, CY)
    await pick(alignbot, poll_id, 2, DI)
    shown = text_of(await ask(alignbot, f"/vote results {poll_id}"))
    assert "Product Owner (1): 1. Search" in shown
    assert "UX (2): 1." not in shown
    assert "Same as overall: UX (2), No role (1)" in shown


async def test_results_before_any_ballot_list_the_items_without_tied_zero_bars(
    alignbot: AlignBot,
) -> None:
    poll_id = await open_vote(alignbot, method="single")
    shown = text_of(await ask(alignbot, f"/vote results {poll_id}"))
    assert "No ballots yet." in shown
    assert "1. Search\n2. Onboarding\n3. Billing" in shown
    assert "(tie)" not in shown
    assert "░" not in shown
