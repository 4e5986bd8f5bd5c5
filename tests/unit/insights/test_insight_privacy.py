"""A private insight reaches only its list: not via subscriptions, follows, search or list."""

from __future__ import annotations

from adapters.local.render import render
from bot.app import AlignBot
from bot.events import Action, Submission
from bot.replies import Bold, Code, Fields, Heading, Mention, SmallPrint, Text
from tests.conftest import ask, channel, person
from tests.support.recording import RecordingMessenger
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

LISTED = person("U5", "Bo Listed")
OUTSIDER = person("U6", "Cy Outsider")


async def share_private(bot: AlignBot) -> None:
    await ask(bot, "/insight subscribe <#C10|general> onboarding")
    await ask(bot, "/insight follow onboarding", OUTSIDER)
    await share(
        bot,
        tags="onboarding",
        visibility="private",
        channels="<#C20|research-leads>",
        people=["U5"],
        title="Secret pricing finding",
    )


async def test_private_insight_never_reaches_subscribers_outside_its_list(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await share_private(alignbot)
    assert Copies(messenger).places() == ["#C20", "@U5"]
    card = render(messenger.posts[0].reply)
    assert "private: only for #research-leads, @U5" in card


async def test_outsiders_cannot_find_list_or_inspect_it(alignbot: AlignBot) -> None:
    await share_private(alignbot)
    for line in ("/insight search secret pricing", "/insight search #onboarding", "/insight list"):
        assert "Secret pricing" not in text_of(await ask(alignbot, line, OUTSIDER))
    for line in ("/insight status 1", "/insight edit 1", "/insight retract 1 confirm"):
        assert "no insight 1 you can see" in text_of(await ask(alignbot, line, OUTSIDER))


async def test_listed_people_and_listed_channels_can_find_it(alignbot: AlignBot) -> None:
    await share_private(alignbot)
    assert "Secret pricing" in text_of(await ask(alignbot, "/insight search secret", LISTED))
    from_channel = await ask(alignbot, "/insight list", OUTSIDER, where="C20")
    assert "Secret pricing" in text_of(from_channel)
    assert "Secret pricing" in text_of(await ask(alignbot, "/insight list", AUTHOR))


async def test_outsiders_cannot_answer_but_people_in_a_listed_channel_can(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await share_private(alignbot)
    stray = await alignbot.handle(Action("insight.seen", "1", OUTSIDER, channel("C10")))
    assert "no insight 1 you can answer" in text_of(stray)
    disagree = await alignbot.handle(Action("insight.disagree", "1", OUTSIDER, channel("C10")))
    assert "no insight 1 you can answer" in text_of(disagree)
    forged = Submission(
        "insight.disagree",
        {"reason": "no"},
        OUTSIDER,
        channel("C10"),
        '{"insight": 1, "message": ["C10", "0"]}',
    )
    assert "no insight 1 you can answer" in text_of(await alignbot.handle(forged))
    answer = await press(alignbot, Copies(messenger).post_in("#C20"), "Will act", OUTSIDER)
    assert "Noted" in text_of(answer)


async def test_making_an_insight_private_withdraws_copies_outside_the_list(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await ask(alignbot, "/insight subscribe <#C10|general> onboarding")
    await share(alignbot, tags="onboarding", channels="<#C20|leads>", title="Was public")
    form = await open_form(alignbot, "/insight edit 1")
    values = form_values(
        tags="onboarding", channels="<#C20|leads>", visibility="private", title="Now private"
    )
    outcome = text_of(await submit(alignbot, form, values))
    assert "1 post updated in place, 0 new, 1 withdrawn" in outcome
    copies = Copies(messenger)
    general = render(copies.latest(copies.post_in("#C10").ref))
    assert "no longer shared here" in general
    assert "Now private" not in general
    assert "Was public" not in general
    assert "Now private" in render(copies.latest(copies.post_in("#C20").ref))
    await press(alignbot, copies.post_in("#C20"), "Seen", AUTHOR)
    assert "Now private" not in render(copies.latest(copies.post_in("#C10").ref))


async def test_user_text_is_only_ever_plain_spans(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await ask(alignbot, "/insight subscribe <#C10|general> onboarding")
    nasty = "<!channel> *bold* <@U999> [x](http://evil.test)"
    await share(
        alignbot,
        tags="onboarding",
        title=nasty,
        finding=nasty,
        evidence=nasty,
        study=nasty,
        items=nasty,
    )
    card = messenger.posts[0].reply
    assert all(nasty not in block.text for block in card.blocks if isinstance(block, Heading))
    for block in card.blocks:
        for span in _spans(block):
            if isinstance(span, Bold | Code):
                assert "channel" not in span.text
            if isinstance(span, Mention):
                assert span.user_id == AUTHOR.user_id
    assert render(card).count(nasty) >= 4


def _spans(block: object) -> tuple[object, ...]:
    if isinstance(block, Text | SmallPrint):
        return block.spans
    if isinstance(block, Fields):
        return tuple(span for item in block.items for span in item.value)
    return ()


async def test_buttons_carry_only_the_insight_number(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await share_private(alignbot)
    assert {b.value for b in buttons_of(messenger.posts[0].reply)} == {"1"}
