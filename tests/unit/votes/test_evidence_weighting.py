"""Research weighs on priorities: RICE Confidence pre-filled from linked insights, top-third
items without evidence flagged in results."""

from __future__ import annotations

from adapters.local.render import render
from bot.app import AlignBot
from bot.replies import Input
from tests.conftest import ask, person
from tests.support.recording import RecordingMessenger
from tests.unit.insights.helpers import share
from tests.unit.votes.support import ballot_form, open_vote, pick, text_of, vote_form

ITEMS = "Magic-link sign-in\nSkip email confirmation\nDark mode"
SIX = "Magic-link sign-in\nSkip email confirmation\nDark mode\nOffline\nExport\nSearch"
ADA, BO, CY, DI = person("U1", "Ada"), person("U2", "Bo"), person("U3", "Cy"), person("U4", "Di")


def confidence_inputs(inputs: tuple[Input, ...]) -> list[str | tuple[str, ...] | None]:
    return [i.initial for i in inputs if i.name.startswith("confidence_")]


def rice(n: int, confidence: int) -> dict[str, str]:
    values: dict[str, str] = {}
    for i in range(n):
        values |= {
            f"reach_{i}": "100",
            f"impact_{i}": "1",
            f"confidence_{i}": str(confidence),
            f"effort_{i}": "1",
        }
    return values


async def test_rice_confidence_starts_from_the_strongest_linked_public_insight(
    alignbot: AlignBot,
) -> None:
    await share(alignbot, title="Email step loses people", confidence="medium")  # both items
    await share(alignbot, title="Magic links tested well", items="magic-link sign-in")
    await share(alignbot, title="Secret", visibility="private", people=["U1"], items="Dark mode")
    poll_id = await open_vote(alignbot, items=ITEMS, method="rice")

    form = await ballot_form(alignbot, poll_id, BO)
    assert confidence_inputs(form.inputs) == ["100", "80", None]  # the private one is not used
    intro = "".join(str(span) for span in form.intro)
    assert "Magic-link sign-in 100%, Skip email confirmation 80%" in intro

    await vote_form(alignbot, poll_id, BO, rice(3, 30))
    again = await ballot_form(alignbot, poll_id, BO)
    assert confidence_inputs(again.inputs) == ["30", "30", "30"]  # their own ballot wins


async def test_other_methods_and_unbacked_items_get_no_confidence(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot, items=ITEMS, method="rice")
    form = await ballot_form(alignbot, poll_id, BO)
    assert confidence_inputs(form.inputs) == [None, None, None]
    assert "pre-filled" not in "".join(str(span) for span in form.intro)


async def test_top_third_items_without_evidence_are_flagged_in_results_and_the_final_post(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await share(alignbot, title="Magic links tested well", items="Magic-link sign-in")
    poll_id = await open_vote(alignbot, items=SIX, method="single")
    for who, index in ((ADA, 2), (BO, 2), (CY, 0), (DI, 3)):  # Dark mode, Magic link, Offline
        await pick(alignbot, poll_id, index, who)
    shown = text_of(await ask(alignbot, f"/vote results {poll_id}"))
    assert "1. Dark mode (no evidence)" in shown
    assert "Magic-link sign-in (no evidence)" not in shown
    assert "Offline (no evidence)" in shown  # tied 2nd with Magic link: still the top third
    assert "Export" not in shown.split("No votes:")[0]
    assert "no public insight backs it: Dark mode, Offline." in shown
    await ask(alignbot, f"/vote close {poll_id}")
    final = render(messenger.posts[-1].reply)
    assert "Final result" in final
    assert "1. Dark mode (no evidence)" in final


async def test_no_flags_when_no_item_of_the_vote_has_research(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot, items=SIX, method="single")
    await pick(alignbot, poll_id, 2, ADA)
    assert "no evidence" not in text_of(await ask(alignbot, f"/vote results {poll_id}"))
