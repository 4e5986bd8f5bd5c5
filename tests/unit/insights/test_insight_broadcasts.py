"""Sharing through the core: one copy per place, live tallies on every copy, edits, retraction."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import pytest

from adapters.local.render import render
from bot.app import AlignBot
from bot.context import Context
from bot.events import Conversation, MessageRef, Submission
from bot.features.insights.delivery import Delivered
from bot.features.insights.sync import COPIES
from bot.replies import Form, FormErrors, InputKind, Reply
from storage.repositories import roles
from storage.repositories.product_teams import default_team
from tests.conftest import WORKSPACE, ask, channel, person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.insights.helpers import (
    AUTHOR,
    Copies,
    buttons_of,
    form_values,
    open_form,
    press,
    share,
    submit,
    text_of,
)

BO = person("U5", "Bo Stakeholder")
CY = person("U6", "Cy Designer")
DEE = person("U7", "Dee Engineer")


async def subscribe_two_channels(bot: AlignBot) -> None:
    await ask(bot, "/insight subscribe <#C10|research> onboarding checkout")
    await ask(bot, "/insight subscribe here onboarding", where="C11")
    await ask(bot, "/insight subscribe <#C12|pricing> pricing")


async def test_each_subscribed_channel_gets_exactly_one_post(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await subscribe_two_channels(alignbot)
    confirmation = await share(alignbot, tags="onboarding checkout")
    assert Copies(messenger).places() == ["#C10", "#C11"]
    assert "posted to 2 channels and 0 people" in render(confirmation)
    card = messenger.posts[0].reply
    assert [b.label for b in buttons_of(card)] == ["Seen", "Will act", "Disagree"]
    assert "Half of new users abandon sign-up" in render(card)


async def test_followers_get_one_direct_message_and_the_author_none(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await ask(alignbot, "/insight follow onboarding checkout", BO)
    await ask(alignbot, "/insight follow pricing", CY)
    await ask(alignbot, "/insight follow onboarding", AUTHOR)
    await share(alignbot, tags="onboarding checkout")
    assert Copies(messenger).places() == ["@U5"]


async def test_the_done_when_story(alignbot: AlignBot, messenger: RecordingMessenger) -> None:
    """Two channels get one post each; stakeholders answer; the author sees the tally."""
    await subscribe_two_channels(alignbot)
    await ask(alignbot, "/insight follow onboarding", DEE)
    await share(alignbot, tags="onboarding, checkout")
    copies = Copies(messenger)
    assert copies.places() == ["#C10", "#C11", "@U7"]
    await press(alignbot, copies.post_in("#C10"), "Seen", BO)
    await press(alignbot, copies.post_in("#C11"), "Will act", CY)
    for post in messenger.posts:
        assert "Seen 1 · Will act 1 · Disagree 0" in render(copies.latest(post.ref))
    status = text_of(await ask(alignbot, "/insight status 1", AUTHOR))
    assert "Seen (1)\n@Bo Stakeholder" in status
    assert "Will act (1)\n@Cy Designer" in status
    assert "Not yet (1)\n@Dee Engineer" in status


async def test_one_answer_per_person_which_they_can_change(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await subscribe_two_channels(alignbot)
    await share(alignbot)
    copies = Copies(messenger)
    first = await press(alignbot, copies.post_in("#C10"), "Seen", BO)
    assert "Noted: “Seen” on insight 1" in text_of(first)
    await press(alignbot, copies.post_in("#C11"), "Seen", BO)
    await press(alignbot, copies.post_in("#C11"), "Will act", BO)
    for post in messenger.posts:
        assert "Seen 0 · Will act 1 · Disagree 0" in render(copies.latest(post.ref))
    updated_refs = {ref for ref, _ in messenger.updates}
    assert updated_refs == {post.ref for post in messenger.posts}


async def test_disagree_asks_for_a_one_line_reason(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await subscribe_two_channels(alignbot)
    await share(alignbot)
    copies = Copies(messenger)
    form = await press(alignbot, copies.post_in("#C10"), "Disagree", BO)
    assert isinstance(form, Form)
    assert [i.name for i in form.inputs] == ["reason"]
    where = channel("C10")
    blank = await alignbot.handle(
        Submission(form.form_id, {"reason": "  "}, BO, where, form.metadata)
    )
    assert isinstance(blank, FormErrors)
    assert "Disagree 0" in render(copies.latest(messenger.posts[0].ref))
    reason = {"reason": "Only power users\nwere interviewed"}
    done = await alignbot.handle(Submission(form.form_id, reason, BO, where, form.metadata))
    assert "Disagree" in text_of(done)
    assert "Seen 0 · Will act 0 · Disagree 1" in render(copies.latest(messenger.posts[1].ref))
    status = text_of(await ask(alignbot, "/insight status #1", AUTHOR))
    assert "• @Bo Stakeholder: Only power users were interviewed" in status


async def test_not_yet_counts_team_role_holders(alignbot: AlignBot, clock: FakeClock) -> None:
    async with alignbot.ctx.db.transaction() as session:
        team = await default_team(session, WORKSPACE, clock.now())
        role = await roles.ensure_role(session, team, "Product owner", "po", clock.now())
        for uid in ("U5", "U8"):
            await roles.assign(session, role, uid, "", "UA", clock.now())
    await ask(alignbot, "/insight list", person("U8", "Eve Owner"))  # the bot meets Eve
    await share(alignbot)
    status = text_of(await ask(alignbot, "/insight status 1", AUTHOR))
    assert "Not yet (2)\n@Bo Stakeholder" not in status  # Bo was never seen: shown by id
    assert "Not yet (2)\n@Eve Owner, @U5" in status


async def test_only_the_author_or_an_admin_sees_answers(alignbot: AlignBot) -> None:
    await share(alignbot)
    refused = text_of(await ask(alignbot, "/insight status 1", BO))
    assert "Only the author" in refused
    assert "who answered" in text_of(
        await ask(alignbot, "/insight status 1", person("U9", admin=True))
    )


async def test_retraction_updates_every_copy_and_removes_buttons(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await subscribe_two_channels(alignbot)
    await share(alignbot)
    copies = Copies(messenger)
    assert "Only the author" in text_of(await ask(alignbot, "/insight retract 1 confirm", BO))
    assert messenger.updates == []
    done = text_of(await ask(alignbot, "/insight retract 1 confirm", AUTHOR))
    assert "marked 2 posted copies as retracted" in done
    for post in messenger.posts:
        latest = copies.latest(post.ref)
        assert "RETRACTED" in render(latest)
        assert buttons_of(latest) == []
    answer = await press(alignbot, copies.post_in("#C10"), "Seen", BO)
    assert "was retracted" in text_of(answer)
    assert "was retracted" in text_of(await ask(alignbot, "/insight retract 1 confirm", AUTHOR))
    assert "was retracted" in text_of(await ask(alignbot, "/insight edit 1", AUTHOR))
    assert "No insights yet" in text_of(await ask(alignbot, "/insight list", BO))


async def test_an_admin_may_retract_anyones_insight(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await subscribe_two_channels(alignbot)
    await share(alignbot)
    admin = person("U9", "Ann Admin", admin=True)
    assert "Retracted insight 1" in text_of(
        await ask(alignbot, "/insight retract 1 confirm", admin)
    )
    assert "@Ann Admin" in render(Copies(messenger).latest(messenger.posts[0].ref))


async def test_edit_opens_prefilled_and_updates_copies_in_place(
    alignbot: AlignBot, messenger: RecordingMessenger, clock: FakeClock
) -> None:
    await subscribe_two_channels(alignbot)
    await share(alignbot, tags="onboarding", people=["U5"])
    assert Copies(messenger).places() == ["#C10", "#C11", "@U5"]
    await press(alignbot, Copies(messenger).post_in("#C10"), "Will act", BO)
    assert "Only the author" in text_of(await ask(alignbot, "/insight edit 1", BO))
    form = await open_form(alignbot, "/insight edit 1")
    initial = {i.name: i.initial for i in form.inputs}
    assert initial["tags"] == "onboarding"
    assert initial["participants"] == "12"
    assert initial["people"] == ("U5",)
    assert next(i for i in form.inputs if i.name == "people").kind is InputKind.USERS
    values = form_values(
        title="Most new users abandon sign-up", tags="onboarding pricing", people=["U5"]
    )
    clock.advance(days=1)
    outcome = text_of(await submit(alignbot, form, values))
    assert "3 posts updated in place, 1 new, 0 withdrawn" in outcome
    copies = Copies(messenger)
    assert copies.places() == ["#C10", "#C11", "#C12", "@U5"]
    for post in messenger.posts:
        shown = render(copies.latest(post.ref))
        assert "Most new users abandon sign-up" in shown
        assert "Will act 1" in shown
        assert "edited 24 Nov 2026" in shown


async def test_bad_edit_changes_nothing(alignbot: AlignBot, messenger: RecordingMessenger) -> None:
    await subscribe_two_channels(alignbot)
    await share(alignbot)
    form = await open_form(alignbot, "/insight edit 1")
    outcome = await submit(alignbot, form, form_values(title=""))
    assert isinstance(outcome, FormErrors)
    assert messenger.updates == []
    assert "Half of new users" in text_of(await ask(alignbot, "/insight list"))


@dataclass
class FlakyMessenger(RecordingMessenger):
    """Fails for some channels, as when the bot was removed from them."""

    broken: frozenset[str] = frozenset()

    async def post(self, conversation: Conversation, reply: Reply) -> MessageRef:
        if conversation.channel_id in self.broken:
            raise RuntimeError("channel_not_found")
        return await super().post(conversation, reply)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        if ref.channel_id in self.broken:
            raise RuntimeError("message_not_found")
        await super().update(ref, reply)


async def test_one_failing_channel_does_not_stop_the_others(
    alignbot: AlignBot, caplog: pytest.LogCaptureFixture
) -> None:
    flaky = FlakyMessenger(broken=frozenset({"C11"}))
    alignbot.messenger.connect("local", flaky)
    await subscribe_two_channels(alignbot)
    await ask(alignbot, "/insight subscribe <#C13|design> onboarding")
    with caplog.at_level(logging.ERROR):
        confirmation = text_of(await share(alignbot))
    assert Copies(flaky).places() == ["#C10", "#C13"]
    assert "posted to 2 channels" in confirmation
    assert "1 of the places could not be reached (#C11)" in confirmation
    assert "channel_not_found" in caplog.text


async def test_nobody_subscribed_says_so(alignbot: AlignBot, messenger: RecordingMessenger) -> None:
    confirmation = text_of(await share(alignbot))
    assert "nobody was notified" in confirmation
    assert messenger.posts == []


@dataclass
class SlowMessenger(RecordingMessenger):
    """Updates wait at a gate, as when Slack is slow, so passes can be made to overlap."""

    gate: asyncio.Event = field(default_factory=asyncio.Event)
    entered: asyncio.Event = field(default_factory=asyncio.Event)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        self.entered.set()
        await self.gate.wait()
        await super().update(ref, reply)


@dataclass
class Refreshes:
    """Counts requests to refresh copies, so a test can wait until all have been made."""

    requested: int = 0
    wanted: int = 0
    reached: asyncio.Event = field(default_factory=asyncio.Event)

    async def reach(self, count: int) -> None:
        self.wanted = count
        self.reached.clear()
        if self.requested < count:
            async with asyncio.timeout(5):
                await self.reached.wait()


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> Refreshes:
    counter = Refreshes()
    original = COPIES.sync

    async def counted(ctx: Context, workspace_id: str, insight_id: int) -> Delivered:
        counter.requested += 1
        if counter.wanted and counter.requested >= counter.wanted:
            counter.reached.set()
        return await original(ctx, workspace_id, insight_id)

    monkeypatch.setattr(COPIES, "sync", counted)
    return counter


async def test_a_slow_tally_refresh_never_overwrites_a_retraction(
    alignbot: AlignBot, refreshes: Refreshes
) -> None:
    slow = SlowMessenger()
    alignbot.messenger.connect("local", slow)
    await subscribe_two_channels(alignbot)
    await share(alignbot)
    copies = Copies(slow)
    seen = asyncio.create_task(press(alignbot, copies.post_in("#C10"), "Seen", BO))
    await slow.entered.wait()  # the tally pass has read the live insight and is now writing
    retraction = asyncio.create_task(ask(alignbot, "/insight retract 1 confirm", AUTHOR))
    await refreshes.reach(2)  # the retraction is stored and waits for its pass
    slow.gate.set()
    await seen
    assert "marked 2 posted copies" in text_of(await retraction)
    for post in slow.posts:
        assert "RETRACTED" in render(copies.latest(post.ref))


async def test_a_burst_of_answers_is_coalesced_into_few_passes(
    alignbot: AlignBot, refreshes: Refreshes
) -> None:
    slow = SlowMessenger()
    alignbot.messenger.connect("local", slow)
    await subscribe_two_channels(alignbot)
    await share(alignbot)
    copies = Copies(slow)
    first = asyncio.create_task(press(alignbot, copies.post_in("#C10"), "Seen", BO))
    await slow.entered.wait()
    others = [
        asyncio.create_task(press(alignbot, copies.post_in("#C11"), "Will act", person(f"U{n}")))
        for n in range(20, 30)
    ]
    await refreshes.reach(11)  # every answer is stored and has asked for a refresh
    slow.gate.set()
    await asyncio.gather(first, *others)
    assert len(slow.updates) == 4  # two passes over two copies, not eleven
    for post in slow.posts:
        assert "Seen 1 · Will act 10 · Disagree 0" in render(copies.latest(post.ref))
