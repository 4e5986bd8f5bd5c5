"""A replayed signed form (same bytes, inside the signature window) writes nothing again."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.feature import Feature
from storage.models.votes import Poll
from tests.slack.harness import SlackHarness, initial_values


@pytest.fixture
def features() -> list[Feature] | None:
    return None  # every real feature


async def test_a_new_vote_form_sent_three_times_opens_one_vote(slack: SlackHarness) -> None:
    await slack.command("/vote new Which epic next?")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    values = initial_values(opened["view"]) | {"items": "Search\nBilling", "method": "single"}
    assert (await slack.submit(opened["view"], values)).status == 200
    replays = await slack.replay(2)
    await slack.settle()
    assert [r.status for r in replays] == [200, 200]
    async with slack.bot.ctx.db.transaction() as session:
        polls = (await session.exec(select(func.count()).select_from(Poll))).one()
    assert polls == 1
    assert len(slack.fake.called("chat.postMessage")) == 1
