"""`/alignbot about`, the introduction card (form, outbox, resume) and the job that keeps
posted cards current, through the core on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from adapters.local.render import render
from bot import deliveries
from bot.app import AlignBot
from bot.context import Context
from bot.events import Command, Conversation, MessageRef, Submission
from bot.feature import Feature, discover_features
from bot.feature_settings import FeatureSettings
from bot.features.about.intro import INTRO_FORM, REFRESH
from bot.features.about.settings import AboutSettings
from bot.ports import MessengerHub
from bot.replica import REPLICA_ID
from bot.replies import Form, FormErrors, Outcome, Reply
from bot.settings import Settings
from storage.db import Database
from tests.conftest import ask, channel, person
from tests.support.recording import FakeClock, RecordingMessenger

ADA = person("U1", "Ada")


class FlakyMessenger(RecordingMessenger):
    """Fails its first post, as a platform outage would."""

    failures: int = 1

    async def post(self, conversation: Conversation, reply: Reply) -> MessageRef:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("platform unavailable")
        return await super().post(conversation, reply)


def build(
    database: Database,
    clock: FakeClock,
    messenger: RecordingMessenger,
    settings: Settings,
    features: list[Feature] | None = None,
) -> AlignBot:
    hub = MessengerHub()
    hub.connect("local", messenger)
    given = FeatureSettings([AboutSettings(website_url="https://align.example.org/")])
    ctx = Context(database, hub, clock, settings, feature_settings=given)
    return AlignBot(ctx, features)


@pytest.fixture
def bot(
    database: Database, clock: FakeClock, messenger: RecordingMessenger, settings: Settings
) -> AlignBot:
    return build(database, clock, messenger, settings)


def shown(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


def picked(*names: str, meta: str | None = None) -> Submission:
    metadata = json.dumps({"c": "C1", "t": None}) if meta is None else meta
    return Submission(INTRO_FORM, {"commands": list(names)}, ADA, channel("C1"), metadata)


async def test_about_says_what_this_deployment_is(bot: AlignBot) -> None:
    about = shown(await ask(bot, "/alignbot about", ADA))
    assert "About this alignbot" in about
    assert "the operator of this alignbot" in about  # ALIGNBOT_OPERATOR_NAME's default
    assert "https://align.example.org/privacy and https://align.example.org/terms" in about
    assert f"replica {REPLICA_ID}" in about
    for command in ("/vote", "/standup", "/alignbot my", "/alignbot about"):
        assert command in about
    assert shown(await ask(bot, "/alignbot about show", ADA)) == about


async def test_introduce_opens_a_form_of_the_commands_in_a_channel_only(bot: AlignBot) -> None:
    form = await ask(bot, "/alignbot about introduce", ADA)
    assert isinstance(form, Form)
    (commands,) = form.inputs
    values = [o.value for o in commands.options]
    assert "vote" in values
    assert "about" in values
    assert "help" not in values
    assert json.loads(form.metadata) == {"c": "C1", "t": None}
    direct = Conversation("local", "W1", "D1", is_direct=True)
    refused = await bot.handle(Command("alignbot", "about introduce", ADA, direct))
    assert "in the channel to introduce me to" in shown(refused)


async def test_the_card_goes_to_the_channel_with_the_picked_commands(
    bot: AlignBot, messenger: RecordingMessenger
) -> None:
    answer = shown(await bot.handle(picked("vote", "standup")))
    assert "Posted" in answer
    assert "/vote" in answer
    (post,) = messenger.posts
    assert post.conversation == channel("C1")
    card = render(post.reply)
    assert "alignbot is here" in card
    assert "/vote" in card
    assert "/standup" in card
    assert "/who" not in card


@pytest.mark.parametrize(
    ("names", "why"),
    [
        ((), "Pick at least one command."),
        (("vote", "drop-tables"), "Pick up to 6 of the commands listed."),
        (("help",), "Pick up to 6 of the commands listed."),
        (("vote", "who", "role", "raci", "standup", "insight", "digest"), "Pick up to 6"),
    ],
)
async def test_bad_picks_keep_the_form_open_and_post_nothing(
    bot: AlignBot, messenger: RecordingMessenger, names: tuple[str, ...], why: str
) -> None:
    errors = await bot.handle(picked(*names))
    assert isinstance(errors, FormErrors)
    assert why in errors.errors["commands"]
    assert messenger.posts == []


@pytest.mark.parametrize("meta", ["", "not json", '{"c": 5}', '{"t": "x"}', '{"c": ""}'])
async def test_altered_form_metadata_is_refused_kindly(
    bot: AlignBot, messenger: RecordingMessenger, meta: str
) -> None:
    assert "That form has expired" in shown(await bot.handle(picked("vote", meta=meta)))
    assert messenger.posts == []


async def test_a_card_that_could_not_be_posted_is_posted_by_the_resume_tick(
    database: Database, clock: FakeClock, settings: Settings
) -> None:
    flaky = FlakyMessenger()
    bot = build(database, clock, flaky, settings)
    assert "try again shortly" in shown(await bot.handle(picked("vote", "who")))
    assert flaky.posts == []
    await deliveries.resume(bot.ctx)  # any replica: rendered again from what was queued
    (post,) = flaky.posts
    assert "/vote" in render(post.reply)
    assert "/who" in render(post.reply)


async def test_posted_cards_follow_an_upgrade_once_across_replicas(
    database: Database, clock: FakeClock, messenger: RecordingMessenger, settings: Settings
) -> None:
    bot = build(database, clock, messenger, settings)
    await bot.handle(picked("vote", "who"))
    await REFRESH.run(bot.ctx)  # same commands as when posted: the card is current
    assert [render(reply) for _, reply in messenger.updates] == [render(messenger.posts[0].reply)]

    without_roles = [  # an upgrade that drops /who (and, here, every dependency on it)
        replace(f, depends_on=()) for f in discover_features() if f.name not in {"roles"}
    ]
    upgraded = [build(database, clock, messenger, settings, without_roles) for _ in range(2)]
    for replica in upgraded:
        await REFRESH.run(replica.ctx)
    assert len(messenger.updates) == 2  # one edit for the upgrade, by one replica
    ref, card = messenger.updates[-1]
    assert ref == messenger.posts[0].ref
    assert "/vote" in render(card)
    assert "/who" not in render(card)
