"""Issue 16's decision trail in `/alignbot my data`, `/alignbot forget` and retention, on
SQLite and PostgreSQL: decision records (who settled, who was asked, the Consulted who did not
vote, override reasons), blocker escalations (raiser, blocker text, owners, answers), votes
closed by hand and recurring votes set up."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from adapters.local.render import controls
from bot.app import AlignBot
from bot.context import Context
from bot.events import Action, Actor
from bot.feature_settings import FeatureSettings
from bot.features.decisions.views import OVERRIDE_ACTION
from bot.features.privacy import retention
from bot.features.privacy.settings import PrivacySettings
from bot.ports import MessengerHub
from bot.replies import Button, Form, Reply
from bot.settings import Settings
from storage.db import Database
from storage.models.decisions import DecisionRecord
from storage.models.escalations import BlockerEscalation
from storage.models.votes import Poll, VoteSeries
from storage.repositories import workspaces
from tests.conftest import ask, channel
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.decisions.support import (
    ADMIN,
    ANA,
    BEN,
    CY,
    PRICING,
    SAM,
    button,
    dms_to,
    render_of,
    team_of_five,
)
from tests.unit.privacy.test_personal_data import my_data
from tests.unit.standups.conftest import Timeline, answer, press, submit_setup
from tests.unit.votes.support import open_vote, pick, submit

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
BLOCKED = "waiting on the pricing & packaging call"
REASON = "Two signed letters of intent"


@pytest.fixture
async def bot(
    database: Database, clock: FakeClock, messenger: RecordingMessenger, settings: Settings
) -> AlignBot:
    hub = MessengerHub()
    hub.connect("local", messenger)
    return AlignBot(Context(db=database, messenger=hub, clock=clock, settings=settings))


async def decided_and_escalated(
    bot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    """Ana closes a vote on pricing that Cy (Consulted) skipped and Sam (Accountable)
    overrides with a reason; Ana sets up a weekly vote; Ben's blocker naming pricing is stuck
    three stand-up days, escalated to Sam, who resolves it a day later."""
    clock.current = MONDAY
    await team_of_five(bot)
    poll_id = await open_vote(
        bot, ANA, method="single", items="Starter\nTeam\nEnterprise", decision=PRICING
    )
    for who, item in ((ANA, 1), (BEN, 1), (SAM, 0)):
        await pick(bot, poll_id, item, who)
    await ask(bot, f"/vote close {poll_id}", ANA)
    (asked,) = dms_to(messenger, SAM.user_id)
    form = await bot.handle(
        Action(OVERRIDE_ACTION, button(asked.reply, OVERRIDE_ACTION).value, SAM, channel("D1"))
    )
    assert isinstance(form, Form)
    done = await submit(
        bot, form.form_id, {"decided": "Enterprise first", "reason": REASON}, SAM, form.metadata
    )
    assert "You overrode vote" in render_of(done)
    await open_vote(bot, ANA, method="single", question="Weekly triage?", repeat="weekly")

    assert "created" in render_of(await submit_setup(bot, ANA, members=["U2", "U5"]))
    timeline = Timeline(bot, clock, messenger)
    for day in range(3):
        clock.current = MONDAY + timedelta(days=day, hours=1)
        await answer(bot, BEN, ["a", "b", BLOCKED])
        await timeline.run_until(MONDAY + timedelta(days=day, hours=9), step_minutes=30)
    (dm,) = [p for _, p in timeline.sent_at if p.user_id == SAM.user_id]
    resolved = next(
        c for c in controls(dm.reply) if isinstance(c, Button) and c.label == "Resolved"
    )
    clock.advance(days=1)
    assert "Resolved" in render_of(await press(bot, SAM, resolved.action_id, resolved.value))


async def stored(bot: AlignBot) -> tuple[DecisionRecord, BlockerEscalation, Poll, VoteSeries]:
    async with bot.ctx.db.transaction() as session:
        record = (await session.exec(select(DecisionRecord))).one()
        row = (await session.exec(select(BlockerEscalation))).one()
        poll = (await session.exec(select(Poll).where(Poll.decision_key == PRICING))).one()
        series = (await session.exec(select(VoteSeries))).one()
    return record, row, poll, series


async def forget(bot: AlignBot, who: Actor) -> None:
    asked = await ask(bot, f"/alignbot forget <@{who.user_id}|{who.display_name}>", ADMIN)
    assert isinstance(asked, Reply)
    erase = next(c for c in controls(asked) if isinstance(c, Button) and "Erase" in c.label)
    done = await bot.handle(Action(erase.action_id, erase.value, ADMIN, channel()))
    assert "Erased what alignbot kept" in render_of(done)


async def test_my_data_shows_the_decision_trail(
    bot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await decided_and_escalated(bot, clock, messenger)
    sams = await my_data(bot, SAM)
    (settled,) = sams["decisions settled"]
    assert (settled["decision"], settled["status"]) == ("Pricing & packaging", "overridden")
    assert (settled["decided"], settled["reason"]) == ("Enterprise first", REASON)
    assert [r["decision"] for r in sams["decisions you were asked to settle"]] == [
        "Pricing & packaging"
    ]
    assert [e["decision"] for e in sams["blockers escalated to you"]] == ["Pricing & packaging"]
    (answered,) = sams["answers to escalated blockers"]
    assert answered["state"] == "resolved"
    assert answered["resolved"] is not None
    assert "blockers of yours escalated" not in sams  # empty sections are left out

    cys = await my_data(bot, CY)
    assert cys["decision records naming you as consulted but not voting"] == [
        {"record": settled["record"], "decision": "Pricing & packaging", "role": "UX Researcher"}
    ]
    assert "decisions settled" not in cys
    (raised,) = (await my_data(bot, BEN))["blockers of yours escalated"]
    assert raised["blocker"] == BLOCKED
    anas = await my_data(bot, ANA)
    assert [v["question"] for v in anas["votes you closed"]] == ["Which epic next?"]
    assert anas["recurring votes you set up"] == [
        {"series": 1, "question": "Weekly triage?", "repeats": "weekly"}
    ]
    assert "letters of intent" not in json.dumps(anas)


async def test_forget_unnames_records_and_escalations_and_keeps_what_counts(
    bot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await decided_and_escalated(bot, clock, messenger)
    for who in (SAM, CY, BEN, ANA):
        await forget(bot, who)
        trail = await my_data(bot, who)
        assert {section for section, records in trail.items() if records} <= {"people directory"}

    record, row, poll, series = await stored(bot)
    assert (record.status, record.decided, record.result) == (
        "overridden",
        "Enterprise first",
        "Team",
    )
    assert (record.decided_by, record.decided_by_name, record.reason) == (
        None,
        "a former member",
        "",
    )
    assert json.loads(record.accountable_ids) == []
    assert json.loads(record.unheard) == [["UX Researcher", "a former member"]]
    assert row.user_id.startswith("former:")
    assert (row.blocker, row.owner_ids, row.answered_by, row.resolved_by) == ("", "", "", "")
    assert (row.state, row.resolved_at is not None) == ("resolved", True)
    assert (poll.closed_by, series.creator_id) == ("", "")

    shown = render_of(await ask(bot, f"/decision show {record.id}", ADMIN))
    assert "a former member" in shown
    for gone in ("Sam", "Cy", REASON):
        assert gone not in shown
    clock.advance(days=1)
    digest = render_of(await ask(bot, "/digest preview", ADMIN))
    assert "Pricing & packaging overridden by a former member: Enterprise first" in digest
    assert "Pricing & packaging: 1 blocker escalated, 1 resolved, median 1.0 days" in digest


async def test_retention_unnames_what_was_settled_or_resolved_before_the_cutoff(
    bot: AlignBot,
    clock: FakeClock,
    messenger: RecordingMessenger,
) -> None:
    bot.ctx.feature_settings = FeatureSettings([PrivacySettings(retention_days=30)])
    await decided_and_escalated(bot, clock, messenger)  # settled Mon 23, resolved Thu 26 Nov
    clock.current = MONDAY + timedelta(days=29)
    await retention.apply(bot.ctx)
    record, row, _, _ = await stored(bot)
    assert (record.decided_by, record.reason) == (SAM.user_id, REASON)
    assert row.blocker == BLOCKED

    clock.current = MONDAY + timedelta(days=31)  # the record is old, the escalation is not
    await retention.apply(bot.ctx)
    record, row, _, _ = await stored(bot)
    assert (record.decided_by, record.decided_by_name, record.reason) == (None, "someone", "")
    assert (record.decided, json.loads(record.accountable_ids)) == ("Enterprise first", [])
    assert json.loads(record.unheard) == [["UX Researcher", "someone"]]
    assert (row.user_id, row.blocker) == (BEN.user_id, BLOCKED)

    clock.current = MONDAY + timedelta(days=35)
    await retention.apply(bot.ctx)
    _, row, _, _ = await stored(bot)
    assert not row.user_id.startswith("U")
    assert (row.blocker, row.owner_ids, row.answered_by, row.resolved_by) == ("", "", "", "")
    assert row.resolved_at is not None  # still timed for the median
    assert "decisions settled" not in await my_data(bot, SAM)
    assert "blockers of yours escalated" not in await my_data(bot, BEN)


async def test_a_workspace_purge_takes_the_decision_trail(
    bot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await decided_and_escalated(bot, clock, messenger)
    async with bot.ctx.db.transaction() as session:
        deleted = await workspaces.purge(session, [SAM.workspace_id])
    assert deleted["decision_record"] == 1
    assert deleted["blocker_escalation"] == 1
    assert deleted["vote_series"] == 1
    async with bot.ctx.db.transaction() as session:
        for table in (DecisionRecord, BlockerEscalation, VoteSeries, Poll):
            assert (await session.exec(select(table))).all() == []
