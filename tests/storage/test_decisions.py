"""Decision records and recurring rounds on SQLite and PostgreSQL: settled once, opened once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from adapters.local.render import render
from bot.app import AlignBot
from bot.context import Context
from bot.events import Action
from bot.features.decisions.views import RATIFY_ACTION
from bot.features.votes import polls, series
from bot.features.votes.forms import Draft
from bot.features.votes.tally import Method
from bot.ports import MessengerHub
from bot.replies import Reply
from bot.settings import Settings
from storage.db import Database
from storage.repositories import decisions, product_teams, votes
from tests.conftest import channel, person
from tests.support.builders import WHEN, decision_record
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.decisions.support import DEE, PRICING, SAM, dms_to, team_of_five


def _bot(database: Database, clock: FakeClock, messenger: RecordingMessenger) -> AlignBot:
    hub = MessengerHub()
    hub.connect("local", messenger)
    settings = Settings(_env_file=None, ALIGNBOT_ADMINS="")
    return AlignBot(Context(db=database, messenger=hub, clock=clock, settings=settings))


def _draft(**changes: object) -> Draft:
    draft = Draft(
        question="Which tier first?",
        items=("Starter", "Team", "Enterprise"),
        method=Method.SINGLE,
        deadline=None,
        anonymous=False,
        hide_results=False,
        voters=(),
        max_choices=1,
        dots=0,
        timezone="Europe/Berlin",
    )
    return replace(draft, **changes)  # type: ignore[arg-type]


async def test_five_presses_of_ratify_at_once_settle_once_and_inform_once(
    database: Database,
) -> None:
    clock, messenger = FakeClock(), RecordingMessenger()
    bot = _bot(database, clock, messenger)
    await team_of_five(bot)
    draft = _draft(decision_key=PRICING, decision_name="Pricing & packaging")
    poll = await polls.open_poll(bot.ctx, person("U2", "Ana"), channel(), draft)
    assert poll.id is not None
    await polls.finish(bot.ctx, "W1", poll.id)
    async with database.transaction() as session:
        (record,) = await decisions.for_poll(session, poll.id)

    async def press() -> object:
        return await bot.handle(Action(RATIFY_ACTION, str(record.id), SAM, channel("D1")))

    answers = await asyncio.gather(*(press() for _ in range(5)))
    said = [render(a) for a in answers if isinstance(a, Reply)]
    assert sum("You ratified" in s for s in said) == 1
    assert sum("already ratified" in s for s in said) == 4
    assert len(dms_to(messenger, DEE.user_id)) == 1
    posted = [p for p in messenger.posts if p.conversation and "Decision record" in render(p.reply)]
    assert len(posted) == 1


async def test_a_weekly_round_opens_once_however_many_ticks_run(database: Database) -> None:
    clock, messenger = FakeClock(), RecordingMessenger()
    bot = _bot(database, clock, messenger)
    first = await polls.open_poll(
        bot.ctx,
        person(),
        channel(),
        _draft(repeat="weekly", deadline=clock.now() + timedelta(days=2)),
    )
    assert first.series_id is not None
    assert first.round == 1
    clock.advance(days=7)
    await asyncio.gather(*(series.open_due(bot.ctx) for _ in range(4)))
    async with database.transaction() as session:
        second = await votes.round_of(session, first.series_id, 2)
        assert await votes.round_of(session, first.series_id, 3) is None
    assert second is not None
    assert second.deadline == clock.now() + timedelta(days=2)
    assert second.items == first.items
    opened = [p for p in messenger.posts if "Which tier first?" in render(p.reply)]
    assert len(opened) == 2


async def test_a_records_details_are_stored_in_the_format_they_always_had(
    database: Database,
) -> None:
    details = decisions.RecordDetails(
        by_role=(decisions.RoleResult("Designer", 2, "Team and Enterprise"),),
        insights=(decisions.CitedInsight(7, "Buyers ask for “SSO”", "high"),),
        unheard=(decisions.Unheard("UX Researcher", "Cy"),),
        accountable_ids=("U1", "U2"),
    )
    async with database.transaction() as session:
        team = await product_teams.default_team(session, "W1", WHEN)
        assert team.id is not None
        stored = await decisions.add(session, decision_record(team.id, 3), details)
        assert stored.id is not None
    async with database.transaction() as session:
        record = await decisions.get(session, "W1", stored.id)
    assert record is not None
    assert decisions.details_of(record) == details
    columns = (record.by_role, record.insights, record.unheard, record.accountable_ids)
    assert columns == (
        '[["Designer", 2, "Team and Enterprise"]]',
        '[[7, "Buyers ask for \\u201cSSO\\u201d", "high"]]',
        '[["UX Researcher", "Cy"]]',
        '["U1", "U2"]',
    )


def test_a_record_without_details_decodes_to_empty_details() -> None:
    assert decisions.details_of(decision_record(1, 1)) == decisions.RecordDetails()
