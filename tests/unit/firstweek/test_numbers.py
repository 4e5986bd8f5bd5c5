"""Every number a person types is bounded; results never divide by zero, infinity or NaN."""

from __future__ import annotations

import math

import pytest

from adapters.local.render import render
from bot.app import AlignBot
from bot.features.votes import FEATURE, polls
from bot.features.votes.tally import Method, tally
from bot.replies import Bar, Bars
from storage.repositories import votes
from tests.conftest import ask, person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.votes.support import (
    counts,
    errors_of,
    new_values,
    open_vote,
    stored_ballots,
    submit,
    text_of,
    vote_form,
)

GOOD_RICE = {
    "reach_0": "10",
    "impact_0": "1",
    "confidence_0": "50",
    "effort_0": "1",
    "reach_1": "10",
    "impact_1": "1",
    "confidence_1": "50",
    "effort_1": "1",
}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"reach_0": "1e308"}, "reach_0", "up to 1,000,000,000"),
        ({"reach_0": "10000000001"}, "reach_0", "up to 1,000,000,000"),
        ({"effort_0": "1e-300"}, "effort_0", "from 0.05 to 1,000"),
        ({"effort_1": "5000"}, "effort_1", "from 0.05 to 1,000"),
    ],
)
async def test_rice_numbers_beyond_their_bounds_are_refused_with_the_limit(
    alignbot: AlignBot, values: dict[str, str], field: str, message: str
) -> None:
    poll_id = await open_vote(alignbot, method="rice", items="A\nB")
    outcome = await vote_form(alignbot, poll_id, person(), {**GOOD_RICE, **values})
    assert message in errors_of(outcome)[field]
    assert await stored_ballots(alignbot) == []


@pytest.mark.parametrize("top", [math.inf, math.nan, 0.0, -1.0])
def test_bars_never_divide_by_infinity_nan_or_zero(top: float) -> None:
    chart = Bars((Bar("a", top), Bar("b", 1.0), Bar("c", math.nan)))
    lines = chart.lines()
    assert len(lines) == 3
    assert all(len(line.split(" ")[1]) == 20 for line in lines)


def test_rice_tally_of_an_overflowing_stored_ballot_stays_finite() -> None:
    result = tally(Method.RICE, 2, [[[1e308, 3, 100, 1e-300], [10, 1, 50, 1]]])
    assert all(math.isfinite(p.score) for p in result.order)
    assert result.winners == (0,)


async def test_a_deadline_close_posts_the_final_result_even_for_an_overflowing_ballot(
    alignbot: AlignBot, messenger: RecordingMessenger, clock: FakeClock
) -> None:
    """A ballot stored before the bounds existed must not keep the vote from closing."""
    poll_id = await open_vote(alignbot, method="rice", items="A\nB")
    async with alignbot.ctx.db.transaction() as session:
        poll = await votes.get(session, "W1", poll_id)
        assert poll is not None
        await votes.cast(
            session,
            poll,
            user_id="U1",
            owner_key=polls.owner_key(poll, "U1"),
            voter_id="U1",
            roles=(),
            choice=[[1e308, 3, 100, 1], [1e308, 2, 100, 1]],
        )
    shown = text_of(await ask(alignbot, f"/vote results {poll_id}"))
    assert "A" in shown
    clock.advance(days=3)
    tick = next(t for t in FEATURE.ticks if t.name == "close_due")
    await tick.run(alignbot.ctx)
    final = render(messenger.posts[-1].reply)
    assert f"Final result of vote {poll_id}" in final
    assert "Winner" in final


@pytest.mark.parametrize("typed", ["in 99999999999 days", "in 9999999 weeks", "9999-12-31 10:00"])
async def test_a_deadline_past_any_calendar_is_refused_with_the_limit(
    alignbot: AlignBot, typed: str
) -> None:
    outcome = await submit(alignbot, "vote.new", new_values(deadline_text=typed))
    assert "up to 366 days" in errors_of(outcome)["deadline_text"]
    assert await counts(alignbot) == (0, 0, 0)


async def test_dots_on_one_item_beyond_the_voters_dots_name_the_limit(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot, method="dot", dots="5")
    outcome = await vote_form(alignbot, poll_id, person(), {"dots_0": "1e308"})
    assert "from 0 to 5" in errors_of(outcome)["dots_0"]
    assert await stored_ballots(alignbot) == []
