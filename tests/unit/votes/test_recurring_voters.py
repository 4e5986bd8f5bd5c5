"""A recurring vote open to named people opens every round to them only."""

from __future__ import annotations

from bot.app import AlignBot
from bot.features.votes import FEATURE
from tests.conftest import person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.votes.support import open_vote, pick, text_of

ADA, BO, CY = person("U1", "Ada"), person("U2", "Bo"), person("U3", "Cy")


async def test_the_next_round_is_open_to_the_same_named_people(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    first = await open_vote(alignbot, ADA, method="single", voters=["U2"], repeat="weekly")
    clock.advance(days=7)
    tick = next(t for t in FEATURE.ticks if t.name == "open_rounds")
    await tick.run(alignbot.ctx)
    second = first + 1
    assert f"Vote {second}" in str(messenger.posts[-1].reply)
    assert "named people only" in text_of(await pick(alignbot, second, 0, CY))
    assert "is in" in text_of(await pick(alignbot, second, 0, BO))
