"""A vote that informs a RACI decision: asked of the Accountable, ratified, overridden or
reopened once, told to the Informed once, and readable only where the vote was."""

from __future__ import annotations

from datetime import timedelta

from adapters.local.render import render
from bot import deliveries
from bot.app import AlignBot
from bot.context import Context
from bot.features import decisions
from bot.features.decisions.views import OVERRIDE_ACTION, RATIFY_ACTION, REOPEN_ACTION
from bot.features.votes import polls
from bot.ports import MessengerHub
from bot.replies import Form, Reply
from bot.settings import Settings
from storage.db import Database
from storage.models.decisions import OVERRIDDEN, PENDING, RATIFIED, REOPENED
from storage.repositories import product_teams
from tests.conftest import WORKSPACE, ask, channel
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.decisions.support import (
    ADMIN,
    ANA,
    BEN,
    CY,
    DEE,
    PRICING,
    SAM,
    button,
    channel_posts,
    dms_to,
    press,
    records,
    render_of,
    team_of_five,
)
from tests.unit.votes.support import open_vote, pick, submit


async def _closed_vote(bot: AlignBot, messenger: RecordingMessenger) -> tuple[int, Reply]:
    """A single-choice vote on pricing: Ana and Ben vote Team, Sam votes Starter; Cy does not."""
    await team_of_five(bot)
    poll_id = await open_vote(
        bot, ANA, method="single", items="Starter\nTeam\nEnterprise", decision=PRICING
    )
    for who, item in ((ANA, 1), (BEN, 1), (SAM, 0)):
        await pick(bot, poll_id, item, who)
    closed = await ask(bot, f"/vote close {poll_id}", ANA)
    assert "is closed" in render_of(closed)
    (asked,) = dms_to(messenger, SAM.user_id)
    return poll_id, asked.reply


async def test_closing_asks_the_accountable_and_ratifying_tells_the_informed_once(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    _, asked = await _closed_vote(alignbot, messenger)
    text = render(asked)
    assert "Decision needed: Pricing & packaging" in text
    assert "It says: Team" in text
    assert "Stakeholder (1): Starter" in text  # the result by role
    assert "Cy (UX Researcher)" in text  # Consulted, did not vote
    (record,) = await records(alignbot)
    assert record.status == PENDING
    assert record.result == "Team"

    # The Accountable ratifies; a second press (or another replica) changes nothing.
    ratify = button(asked, RATIFY_ACTION)
    done = await press(alignbot, ratify, SAM)
    assert "You ratified “Pricing & packaging”: Team" in render_of(done)
    again = await press(alignbot, ratify, SAM)
    assert "already ratified" in render_of(again)
    await deliveries.resume(alignbot.ctx)

    posted = [p for p in channel_posts(messenger) if "Decision record" in p]
    assert len(posted) == 1
    assert "Decided" in posted[0]
    assert "Team" in posted[0]
    assert "Ratified by" in posted[0]
    assert "@Sam" in posted[0]
    assert "Product Owner (1): Team" in posted[0]
    assert "Vote 1 said: Team" in posted[0]
    assert "Consulted but did not vote" in posted[0]
    assert "Cy (UX Researcher)" in posted[0]
    for informed in (DEE, BEN):
        (note,) = dms_to(messenger, informed.user_id)
        assert "For your information: “Pricing & packaging” was ratified by @Sam" in render(
            note.reply
        )
    assert dms_to(messenger, CY.user_id) == []
    assert dms_to(messenger, ANA.user_id) == []
    (record,) = await records(alignbot)
    assert record.status == RATIFIED
    assert record.decided_by == SAM.user_id


async def test_only_the_accountable_or_an_admin_may_answer_whatever_the_button_says(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    _, asked = await _closed_vote(alignbot, messenger)
    ratify = button(asked, RATIFY_ACTION)
    refused = await press(alignbot, ratify, ANA)
    assert "Only the Stakeholder for “Pricing & packaging”" in render_of(refused)
    refused = await press(alignbot, button(asked, OVERRIDE_ACTION), BEN)
    assert "Only the Stakeholder" in render_of(refused)
    missing = await press(alignbot, ratify, SAM, value="999")
    assert "There's no decision record 999" in render_of(missing)
    junk = await press(alignbot, ratify, SAM, value="1; drop")
    assert "Decision records have numbers" in render_of(junk)
    (record,) = await records(alignbot)
    assert record.status == PENDING
    assert "You ratified" in render_of(await press(alignbot, ratify, ADMIN))


async def test_an_override_keeps_the_vote_result_beside_the_decision(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    _, asked = await _closed_vote(alignbot, messenger)
    form = await press(alignbot, button(asked, OVERRIDE_ACTION), SAM)
    assert isinstance(form, Form)
    empty = await submit(alignbot, form.form_id, {"decided": "", "reason": ""}, SAM, form.metadata)
    assert set(getattr(empty, "errors", {})) == {"decided", "reason"}
    done = await submit(
        alignbot,
        form.form_id,
        {"decided": "Enterprise first", "reason": "Two signed letters of intent"},
        SAM,
        form.metadata,
    )
    assert "You overrode vote" in render_of(done)
    (posted,) = [p for p in channel_posts(messenger) if "Decision record" in p]
    assert "Enterprise first" in posted
    assert "Team" in posted
    assert "Overridden by" in posted
    assert "Two signed letters of intent" in posted
    (record,) = await records(alignbot)
    assert record.status == OVERRIDDEN
    assert record.result == "Team"
    assert len(dms_to(messenger, DEE.user_id)) == 1


async def test_reopen_runs_the_vote_again_and_its_next_close_asks_again(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    poll_id, asked = await _closed_vote(alignbot, messenger)
    done = await press(alignbot, button(asked, REOPEN_ACTION), SAM)
    assert f"Vote {poll_id} is open again" in render_of(done)
    await pick(alignbot, poll_id, 2, CY)  # open again: ballots are taken
    assert dms_to(messenger, DEE.user_id) == []  # nothing was decided, nobody informed
    await ask(alignbot, f"/vote close {poll_id}", ANA)
    first, second = await records(alignbot)
    assert first.status == REOPENED
    assert second.status == PENDING
    assert len(dms_to(messenger, SAM.user_id)) == 2
    assert second.unheard == "[]"  # Cy voted this time


async def test_log_and_show_only_where_the_vote_was(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    _, asked = await _closed_vote(alignbot, messenger)
    await press(alignbot, button(asked, RATIFY_ACTION), SAM)
    log = render_of(await ask(alignbot, "/decision log", ANA))
    assert "record 1 · Pricing & packaging · ratified: Team" in log
    assert "record 1" in render_of(await ask(alignbot, '/decision log "pricing"', ANA))
    assert "No decision records on “Product roadmap”" in render_of(
        await ask(alignbot, "/decision log Product roadmap", ANA)
    )
    shown = render_of(await ask(alignbot, "/decision show 1", ANA))
    assert "Decision record 1: Pricing & packaging" in shown
    # From another channel, someone not in the vote's channel sees nothing.
    elsewhere = render_of(await ask(alignbot, "/decision show 1", CY, where="C9"))
    assert "There's no decision record 1" in elsewhere
    assert "No decision records" in render_of(await ask(alignbot, "/decision log", CY, where="C9"))
    messenger.members["C1"] = {CY.user_id}
    assert "Decision record 1" in render_of(await ask(alignbot, "/decision show 1", CY, "C9"))
    assert "I don't know `/decision oops`" in render_of(await ask(alignbot, "/decision oops"))
    assert "`/decision show <id>` needs a record number" in render_of(
        await ask(alignbot, "/decision show")
    )
    assert "`seven` is not a record number" in render_of(
        await ask(alignbot, "/decision show seven")
    )


async def test_public_api_for_the_digest_and_drift(
    alignbot: AlignBot, messenger: RecordingMessenger, clock: FakeClock
) -> None:
    start = clock.now()
    _, asked = await _closed_vote(alignbot, messenger)
    async with alignbot.ctx.db.transaction() as session:
        team = await product_teams.team_for(session, channel(), clock.now())
        assert team.id is not None
        clock.advance(days=3)
        (waiting,) = await decisions.pending_decisions(session, team.id, clock.now())
    assert waiting.decision_name == "Pricing & packaging"
    assert waiting.days == 3
    assert waiting.accountable_ids == (SAM.user_id,)
    await press(alignbot, button(asked, RATIFY_ACTION), SAM)
    async with alignbot.ctx.db.transaction() as session:
        now = clock.now()
        (made,) = await decisions.decisions_made(session, team.id, start, now + timedelta(1))
        assert (
            await decisions.decisions_made(session, team.id, now + timedelta(1), now + timedelta(8))
            == []
        )
        assert await decisions.pending_decisions(session, team.id, now) == []
        settles = await decisions.who_settles(session, team.id, PRICING, now)
        closes = await decisions.who_closes_votes(session, team.id, PRICING, now)
    assert made.status == RATIFIED
    assert made.decided == "Team"
    assert made.decided_by == SAM.user_id
    assert dict(settles) == {SAM.user_id: 1}
    assert dict(closes) == {ANA.user_id: 1}
    assert decisions.decision_key("Pricing  &  Packaging") == PRICING


async def test_nobody_accountable_is_said_in_the_channel(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    poll_id = await open_vote(alignbot, ANA, method="single", decision=PRICING)
    await pick(alignbot, poll_id, 0, ANA)
    await polls.finish(alignbot.ctx, WORKSPACE, poll_id)
    assert any("nobody holds its Accountable role" in p for p in channel_posts(messenger))
    assert "Ratify" in render_of(await ask(alignbot, "/decision show 1", ADMIN))


async def test_a_record_number_beyond_any_stored_is_unknown_on_every_database(
    database: Database, clock: FakeClock, messenger: RecordingMessenger, settings: Settings
) -> None:
    """11 digits read as a number, but no integer column holds it: asked, never queried."""
    hub = MessengerHub()
    hub.connect("local", messenger)
    bot = AlignBot(Context(db=database, messenger=hub, clock=clock, settings=settings))
    shown = render_of(await ask(bot, "/decision show 99999999999", ADMIN))
    assert "There's no decision record 99999999999 here" in shown
