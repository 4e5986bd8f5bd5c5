"""Forgetting the only person a vote was open to keeps it closed to everyone else."""

from __future__ import annotations

from adapters.local.render import controls
from bot.app import AlignBot
from bot.events import Action
from bot.replies import Button, Reply
from tests.conftest import ask, channel, person
from tests.unit.votes.support import open_vote, pick, text_of

ADA = person("U1", "Ada Lovelace")
BO = person("U2", "Bo Builder")
ADMIN = person("U9", "Di Admin", admin=True)


async def test_a_vote_open_to_a_forgotten_person_stays_closed_to_others(
    alignbot: AlignBot,
) -> None:
    poll_id = await open_vote(alignbot, ADMIN, method="single", voters=["U1"])
    assert "is in" in text_of(await pick(alignbot, poll_id, 0, ADA))
    asked = await ask(alignbot, "/alignbot forget <@U1|Ada Lovelace>", ADMIN)
    assert isinstance(asked, Reply)
    erase = next(c for c in controls(asked) if isinstance(c, Button) and "Erase" in c.label)
    await alignbot.handle(Action(erase.action_id, erase.value, ADMIN, channel()))

    assert "named people only" in text_of(await pick(alignbot, poll_id, 0, BO))
    assert "named people only" in text_of(await pick(alignbot, poll_id, 0, ADA))
