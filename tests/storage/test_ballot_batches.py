"""Many ballots in one write (`votes.cast_all`), on SQLite and PostgreSQL: an owner's last
ballot wins, each person is flagged once, and only new voters are reported as first-time."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.context import Context
from bot.features.votes import polls
from bot.features.votes.forms import Draft
from bot.features.votes.tally import Method
from bot.ports import MessengerHub
from bot.settings import Settings
from storage.db import Database
from storage.models.votes import Ballot, PollVoter
from storage.repositories import votes
from tests.conftest import channel, person
from tests.support.recording import FakeClock, RecordingMessenger

DRAFT = Draft(
    question="Which first?",
    items=("A", "B", "C"),
    method=Method.SINGLE,
    deadline=None,
    anonymous=False,
    hide_results=False,
    voters=(),
    max_choices=1,
    dots=0,
    timezone="UTC",
)


def _ballot(user: str, choice: list[int]) -> votes.NewBallot:
    return votes.NewBallot(user, f"key-{user}", user, (), choice)


async def test_one_write_stores_each_owners_last_ballot_and_reports_new_voters(
    database: Database,
) -> None:
    hub = MessengerHub()
    hub.connect("local", RecordingMessenger())
    settings = Settings(_env_file=None, ALIGNBOT_ADMINS="")  # type: ignore[call-arg]
    ctx = Context(db=database, messenger=hub, clock=FakeClock(), settings=settings)
    poll = await polls.open_poll(ctx, person(), channel(), DRAFT)
    async with database.transaction() as session:
        first = await votes.cast_all(session, poll, [_ballot("U1", [0]), _ballot("U2", [1])])
    async with database.transaction() as session:
        again = await votes.cast_all(
            session,
            poll,
            [_ballot("U2", [2]), _ballot("U3", [0]), _ballot("U3", [1]), _ballot("U2", [0])],
        )
    assert (first, again) == ({"U1", "U2"}, {"U3"})
    async with database.transaction() as session:
        stored = {
            b.voter_id: json.loads(b.choice) for b in (await session.exec(select(Ballot))).all()
        }
        flagged = sorted((await session.exec(select(PollVoter.user_id))).all())
    assert stored == {"U1": [0], "U2": [0], "U3": [1]}
    assert flagged == ["U1", "U2", "U3"]
