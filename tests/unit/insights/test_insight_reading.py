"""Search (typos, #tags), list filters, subscriptions, and every kind of bad input."""

from __future__ import annotations

import pytest

from adapters.local.render import render
from bot.app import AlignBot
from bot.events import Command, Conversation, Submission
from bot.features.insights.forms import FORM_NEW, FormState, read_submission
from bot.replies import FormErrors, Reply, Visibility
from storage.repositories import insights as insights_repo
from storage.repositories.insights import InsightContent
from storage.repositories.product_teams import default_team
from tests.conftest import WORKSPACE, ask, channel, person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.insights.helpers import (
    AUTHOR,
    Copies,
    form_values,
    open_form,
    share,
    share_refused,
    submit,
    text_of,
)


async def three_insights(bot: AlignBot, clock: FakeClock) -> None:
    await share(bot, title="Email step loses new users", tags="onboarding")
    clock.advance(days=20)
    await share(
        bot,
        title="Coupon field distracts shoppers",
        tags="checkout",
        finding="Shoppers leave checkout to hunt for coupon codes.",
    )
    clock.advance(days=20)
    await share(
        bot,
        title="Dark mode wanted",
        tags="settings onboarding",
        finding="Power users ask for a dark theme.",
    )


async def test_search_forgives_typos(alignbot: AlignBot, clock: FakeClock) -> None:
    await three_insights(alignbot, clock)
    found = text_of(await ask(alignbot, "/insight search cuopon"))
    assert "Coupon field" in found
    assert "Email step" not in found
    assert "Dark mode" not in found
    assert "Nothing matches" in text_of(await ask(alignbot, "/insight search quarterly revenue"))
    assert "Search for what?" in text_of(await ask(alignbot, "/insight search"))


async def test_search_by_tag_and_by_misspelt_tag(alignbot: AlignBot, clock: FakeClock) -> None:
    await three_insights(alignbot, clock)
    tagged = text_of(await ask(alignbot, "/insight search #Onboarding"))
    assert tagged.index("Dark mode") < tagged.index("Email step")
    assert "Coupon" not in tagged
    guessed = text_of(await ask(alignbot, "/insight search #onbording"))
    assert "showing #onboarding" in guessed
    assert "Email step" in guessed
    assert "No insight you can see is tagged #pricing" in text_of(
        await ask(alignbot, "/insight search #pricing")
    )
    assert "may only use letters" in text_of(await ask(alignbot, "/insight search #on/boarding"))


async def test_list_filters_by_tag_and_period(alignbot: AlignBot, clock: FakeClock) -> None:
    await three_insights(alignbot, clock)
    everything = text_of(await ask(alignbot, "/insight list"))
    assert everything.index("Dark mode") < everything.index("Coupon") < everything.index("Email")
    recent = text_of(await ask(alignbot, "/insight list 30d"))
    assert "Dark mode" in recent
    assert "Coupon" in recent
    assert "Email" not in recent
    both = text_of(await ask(alignbot, "/insight list 30d onboarding"))
    assert "Dark mode" in both
    assert "Coupon" not in both
    assert "Email" not in both
    assert "tagged #onboarding from the last 30 days" in both
    assert "one tag and one period" in text_of(await ask(alignbot, "/insight list a b"))
    assert "one period at most" in text_of(await ask(alignbot, "/insight list 1d 2d"))
    assert "No insights yet" in text_of(await ask(alignbot, "/insight list pricing"))


async def test_list_shows_the_newest_twenty(alignbot: AlignBot, clock: FakeClock) -> None:
    async with alignbot.ctx.db.transaction() as session:
        team = await default_team(session, WORKSPACE, clock.now())
        assert team.id is not None
        for number in range(22):
            clock.advance(minutes=1)
            content = InsightContent(f"Finding number {number}", "f", "survey", "low")
            await insights_repo.create(
                session,
                workspace_id=WORKSPACE,
                team_id=team.id,
                platform="local",
                author_id="UA",
                author_name="Rita",
                content=content,
                now=clock.now(),
            )
    shown = text_of(await ask(alignbot, "/insight list"))
    assert "Finding number 21" in shown
    assert "Finding number 1 " not in shown
    assert "Showing the newest 20 of 22" in shown


BAD_FORMS: list[tuple[dict[str, str], str, str]] = [
    ({"title": " "}, "title", "Please write a title"),
    ({"finding": ""}, "finding", "Please write the finding"),
    ({"title": "x" * 151}, "title", "the limit is 150"),
    ({"tags": " ".join(f"t{i}" for i in range(21))}, "tags", "at most 20"),
    ({"tags": "onboarding check$out"}, "tags", "`check$out` may only use letters"),
    ({"tags": "on/boarding"}, "tags", "may only use letters"),
    ({"participants": "-3"}, "participants", "cannot be negative"),
    ({"participants": "5000000"}, "participants", "looks wrong"),
    ({"participants": "9" * 50}, "participants", "looks wrong"),
    ({"participants": "twelve"}, "participants", "whole number"),
    ({"participants": "2.5"}, "participants", "whole number"),
    ({"method": "astrology"}, "method", "Pick the research method"),
    ({"confidence": ""}, "confidence", "Pick a confidence"),
    ({"visibility": "private"}, "channels", "needs at least one channel or person"),
    ({"channels": "#nowhere"}, "channels", "don't know the channel #nowhere"),
    ({"channels": "<b>"}, "channels", "is not a channel"),
    ({"items": "\n".join(f"item {i}" for i in range(21))}, "items", "at most 20"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_FORMS)
def test_bad_form_values_get_a_message_on_their_input(
    overrides: dict[str, str], field: str, message: str
) -> None:
    submission = Submission(FORM_NEW, form_values(**overrides), AUTHOR, channel("C1"))
    refused = read_submission(submission, FormState("C1"), {})
    assert isinstance(refused, FormErrors)
    assert message in refused.errors[field]


async def test_bad_input_stores_and_sends_nothing(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await ask(alignbot, "/insight subscribe <#C10|general> onboarding")
    for overrides, field, message in BAD_FORMS:
        errors = await share_refused(alignbot, **overrides)
        assert message in errors[field], (overrides, errors)
    assert messenger.posts == []
    assert "No insights yet" in text_of(await ask(alignbot, "/insight list"))


async def test_good_edge_values_are_accepted(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await ask(alignbot, "/insight subscribe <#C10|general> onboarding")
    await share(alignbot, participants="1,000,000", tags="#Onboarding", items="- Magic link\n\n")
    await share(alignbot, participants="", evidence="", study="", channels="here C30")
    assert Copies(messenger).places() == ["#C1", "#C10", "#C10", "#C30"]
    assert "Participants: 1,000,000" in text_of(messenger.posts[0].reply)


async def test_known_channel_names_resolve_in_the_share_list(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await ask(alignbot, "/insight subscribe <#C40|design-crit> pricing")
    await share(alignbot, tags="onboarding", channels="#Design-Crit")
    assert Copies(messenger).places() == ["#C40"]


BAD_COMMANDS = [
    ("/insight status 999", "no insight 999 you can see"),
    ("/insight edit 999", "no insight 999 you can see"),
    ("/insight retract abc", "`abc` is not an insight number"),
    ("/insight status", "`/insight status <id>` needs an insight number"),  # one wording
    ("/insight frobnicate", "I don't know `/insight frobnicate`"),
    ("/insight subscrbe here x", "Did you mean `/insight subscribe`?"),
    ("/insight subscribe here", "Which tags?"),
    ("/insight subscribe onboarding", "Start with the channel"),
    ("/insight subscribe here on/boarding", "may only use letters"),
    ("/insight follow", "Which tags?"),
    ("/insight unfollow pricing", "You did not follow #pricing"),
    ("/insight unsubscribe here", "was not subscribed to any tag"),
]


async def test_bad_commands_get_clear_answers(alignbot: AlignBot) -> None:
    for line, message in BAD_COMMANDS:
        assert message in text_of(await ask(alignbot, line)), line


async def test_show_gives_the_full_card_privately(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await share(alignbot, tags="onboarding", visibility="private", channels="C20")
    shown = await ask(alignbot, "/insight show 1", AUTHOR)
    assert isinstance(shown, Reply)
    assert shown.visibility is Visibility.PRIVATE
    assert "Seven of twelve participants" in render(shown)
    assert "no insight 1 you can see" in text_of(await ask(alignbot, "/insight show 1"))
    await ask(alignbot, "/insight retract 1 confirm", AUTHOR)
    assert "RETRACTED" in text_of(await ask(alignbot, "/insight show 1", AUTHOR))


async def test_help_lists_every_verb(alignbot: AlignBot) -> None:
    shown = text_of(await ask(alignbot, "/insight"))
    for verb in (
        "new",
        "subscribe",
        "follow",
        "search",
        "list",
        "show",
        "status",
        "edit",
        "retract",
    ):
        assert f"/insight {verb}" in shown


async def test_subscriptions_are_listed_changed_and_removed(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    bo = person("U5", "Bo")
    messenger.members["C10"] = {"U5"}
    await ask(alignbot, "/insight subscribe <#C10|research> onboarding checkout")
    again = text_of(await ask(alignbot, "/insight subscribe <#C10|research> onboarding"))
    assert "already gets" in again
    await ask(alignbot, "/insight follow checkout", bo)
    await ask(alignbot, "/insight follow pricing")
    listed = text_of(await ask(alignbot, "/insight subscriptions", bo))
    assert "#research: #checkout #onboarding" in listed
    assert "You follow\n#checkout" in listed
    assert "#pricing" not in listed
    gone = text_of(await ask(alignbot, "/insight unsubscribe <#C10|research> checkout"))
    assert "no longer gets insights tagged #checkout" in gone
    await ask(alignbot, "/insight unsubscribe <#C10|research>")
    assert "Channels\nnone yet" in text_of(await ask(alignbot, "/insight subscriptions", bo))
    assert "no longer follow #checkout" in text_of(await ask(alignbot, "/insight unfollow", bo))


async def test_here_in_a_direct_message_suggests_follow(alignbot: AlignBot) -> None:
    dm = Conversation("local", WORKSPACE, "D1", is_direct=True)
    outcome = await alignbot.handle(Command("insight", "subscribe here onboarding", AUTHOR, dm))
    assert "use `/insight follow" in text_of(outcome)


async def test_the_edit_form_keeps_its_metadata_honest(alignbot: AlignBot) -> None:
    await share(alignbot)
    form = await open_form(alignbot, "/insight edit 1")
    tampered = type(form)(form.form_id, form.title, form.inputs, metadata="not json")
    outcome = await submit(alignbot, tampered, form_values())
    assert "expired" in text_of(outcome)
