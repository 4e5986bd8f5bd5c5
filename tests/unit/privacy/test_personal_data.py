"""`/alignbot my data`, `/alignbot forget @person` and retention, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from adapters.local.render import controls, render
from bot.app import AlignBot
from bot.context import Context
from bot.events import Action
from bot.feature_settings import FeatureSettings
from bot.features.privacy import retention
from bot.features.privacy.settings import PrivacySettings
from bot.ports import MessengerHub
from bot.replies import Button, Outcome, Preformatted, Reply
from bot.settings import Settings
from storage.db import Database
from storage.models.insights import InsightAck
from storage.models.standups import StandupAnswer
from tests.conftest import ask, channel, person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.insights.helpers import press, share
from tests.unit.standups.conftest import answer, submit_setup
from tests.unit.votes.support import open_vote, pick

ADA = person("U1", "Ada Lovelace")
BO = person("U2", "Bo Builder")
ADMIN = person("U9", "Di Admin", admin=True)


@pytest.fixture
async def bot(
    database: Database, clock: FakeClock, messenger: RecordingMessenger, settings: Settings
) -> AlignBot:
    hub = MessengerHub()
    hub.connect("local", messenger)
    return AlignBot(Context(db=database, messenger=hub, clock=clock, settings=settings))


def shown(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


async def my_data(bot: AlignBot, who: object = ADA) -> dict[str, list[dict[str, object]]]:
    outcome = await ask(bot, "/alignbot my data", who)  # type: ignore[arg-type]
    assert isinstance(outcome, Reply), outcome
    block = next(b for b in outcome.blocks if isinstance(b, Preformatted))
    exported: dict[str, list[dict[str, object]]] = json.loads(block.text)
    return exported


async def ada_everywhere(bot: AlignBot, messenger: RecordingMessenger) -> tuple[int, int]:
    """Ada holds a role, answers a stand-up, votes openly and anonymously, writes an insight
    and answers Bo's; returns the ids of the open and the anonymous vote."""
    await ask(bot, "/role assign <@U1|Ada Lovelace> Tech Lead", ADMIN)
    await submit_setup(bot, ADA, members=["U1", "U2"], reminder="0")
    await answer(bot, ADA, ["fixed the login bug", "pair with Bo", "none"])
    named = await open_vote(bot, ADA, method="single", question="Which epic next?")
    hidden = await open_vote(bot, BO, method="single", anonymous="yes", question="Secret ballot?")
    await pick(bot, named, 1, ADA)
    await pick(bot, named, 0, BO)
    await pick(bot, hidden, 2, ADA)
    await share(bot, ADA, title="Checkout confuses first-time buyers")
    await share(bot, BO, title="Search is slow on mobile", channels="here")
    bos_card = next(p for p in messenger.posts if "Search is slow" in render(p.reply))
    await press(bot, bos_card, "Will act", ADA)
    await ask(bot, "/insight follow pricing", ADA)
    return named, hidden


async def test_my_data_holds_everything_of_mine_and_nothing_anonymous(
    bot: AlignBot, messenger: RecordingMessenger
) -> None:
    await ada_everywhere(bot, messenger)
    mine = await my_data(bot)
    assert mine["roles held"] == [{"team": "Product team", "role": "Tech Lead"}]
    assert "fixed the login bug" in json.dumps(mine["stand-up answers"])
    assert mine["stand-up teams"] == [{"team": "Design"}]
    ballots = mine["ballots on votes that are not anonymous"]
    assert [(b["question"], b["ballot"]) for b in ballots] == [("Which epic next?", "Onboarding")]
    assert "Secret ballot" not in json.dumps(mine)
    assert [i["title"] for i in mine["insights written"]] == ["Checkout confuses first-time buyers"]
    assert [a["answer"] for a in mine["answers to insights"]] == ["act"]
    assert mine["followed tags"] == [{"tag": "pricing"}]
    assert mine["people directory"][0]["name"] == "Ada Lovelace"

    bos = json.dumps(await my_data(bot, BO))
    assert "fixed the login bug" not in bos
    assert "Checkout confuses" not in bos


async def test_forget_asks_first_and_only_an_admin_may(
    bot: AlignBot, messenger: RecordingMessenger
) -> None:
    await ada_everywhere(bot, messenger)
    refused = shown(await ask(bot, "/alignbot forget <@U1|Ada Lovelace>", BO))
    assert "Only workspace admins" in refused
    asked = await ask(bot, "/alignbot forget <@U1|Ada Lovelace>", ADMIN)
    assert "Erase what alignbot keeps about Ada Lovelace?" in shown(asked)
    assert "fixed the login bug" in json.dumps(await my_data(bot))  # nothing erased yet
    assert isinstance(asked, Reply)
    erase = next(c for c in controls(asked) if isinstance(c, Button) and "Erase" in c.label)
    forged = await bot.handle(Action(erase.action_id, erase.value, BO, channel()))
    assert "Only workspace admins" in shown(forged)
    assert "fixed the login bug" in json.dumps(await my_data(bot))


async def test_forget_erases_the_person_and_keeps_the_tallies(
    bot: AlignBot, messenger: RecordingMessenger
) -> None:
    named, hidden = await ada_everywhere(bot, messenger)
    asked = await ask(bot, "/alignbot forget <@U1|Ada Lovelace>", ADMIN)
    assert isinstance(asked, Reply)
    erase = next(c for c in controls(asked) if isinstance(c, Button) and "Erase" in c.label)
    done = shown(await bot.handle(Action(erase.action_id, erase.value, ADMIN, channel())))
    assert "Erased what alignbot kept about Ada Lovelace" in done

    after = await my_data(bot)  # speaking again may put Ada back in the directory, no more
    assert {section for section, records in after.items() if records} <= {"people directory"}

    results = shown(await ask(bot, f"/vote results {named}", BO))
    assert "2 voted" in results
    await ask(bot, f"/vote close {hidden}", BO)
    assert "1 voted" in shown(await ask(bot, f"/vote results {hidden}", BO))
    insight = shown(await ask(bot, "/insight show 1", BO))
    assert "Checkout confuses first-time buyers" in insight
    assert "a former member" in insight
    assert "Ada" not in insight
    answered = await ask(bot, "/insight status 2", BO)  # Ada's "Will act" still counts
    assert "Will act (1)" in shown(answered)
    assert "a former member" in shown(answered)
    assert isinstance(answered, Reply)
    assert "former:" not in repr(answered)  # no mention of a stand-in id
    owners = shown(await ask(bot, "who owns the release decision?", BO))
    assert "Ada" not in owners
    history = shown(await ask(bot, "/standup design history", BO))
    assert "fixed the login bug" not in history


# Retention -------------------------------------------------------------------------------------


async def stored_answers(bot: AlignBot) -> tuple[list[str], int]:
    async with bot.ctx.db.transaction() as session:
        answers = (await session.exec(select(StandupAnswer))).all()
        acks = (await session.exec(select(InsightAck))).all()
    return sorted(a.day.isoformat() for a in answers), len(acks)


async def test_retention_is_off_by_default(
    bot: AlignBot, messenger: RecordingMessenger, clock: FakeClock
) -> None:
    await ada_everywhere(bot, messenger)
    clock.advance(days=400)
    await retention.apply(bot.ctx)
    assert await stored_answers(bot) == (["2026-11-23"], 1)


async def test_retention_deletes_old_answers_once_a_day(
    bot: AlignBot,
    messenger: RecordingMessenger,
    clock: FakeClock,
) -> None:
    bot.ctx.feature_settings = FeatureSettings([PrivacySettings(retention_days=30)])
    await ada_everywhere(bot, messenger)  # Mon 23 Nov: an answer and an insight answer
    clock.current = datetime(2026, 12, 22, 8, 0, tzinfo=UTC)  # 29 days later
    await answer(bot, BO, ["late answer", "more", "none"], text="design")
    await retention.apply(bot.ctx)
    assert await stored_answers(bot) == (["2026-11-23", "2026-12-22"], 1)

    clock.advance(days=2)  # now 31 days after the first answers
    await retention.apply(bot.ctx)
    assert await stored_answers(bot) == (["2026-12-22"], 0)

    clock.advance(days=30, hours=1)  # same day as the next run: claimed once per day
    await retention.apply(bot.ctx)
    assert await stored_answers(bot) == ([], 0)
    clock.current = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    await answer(bot, BO, ["an old answer, written late", "more", "none"], text="design")
    clock.current = datetime(2027, 1, 23, 23, 0, tzinfo=UTC)  # later the same day
    await retention.apply(bot.ctx)  # already ran today: nothing more happens until tomorrow
    assert await stored_answers(bot) == (["2026-11-24"], 0)
    clock.advance(hours=2)
    await retention.apply(bot.ctx)
    assert await stored_answers(bot) == ([], 0)
