"""Ballots show how many public insights back each item ("3 insights support this item")."""

from __future__ import annotations

from adapters.local.render import render
from bot.app import AlignBot
from bot.events import Action
from bot.replies import Form
from tests.conftest import ask, channel, person
from tests.support.recording import RecordingMessenger
from tests.unit.insights.helpers import AUTHOR, share
from tests.unit.votes.support import open_vote

ITEMS = "Magic-link sign-in\nSkip email confirmation\nDark mode"


def live_message(messenger: RecordingMessenger, poll_id: int) -> str:
    posts = [render(p.reply) for p in messenger.posts if f"Vote {poll_id}:" in render(p.reply)]
    return posts[-1]


async def test_live_message_and_ballot_form_name_the_research(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await share(alignbot, title="Email step loses people")
    await share(alignbot, title="Magic links tested well", items="magic-link   SIGN-IN")
    poll_id = await open_vote(alignbot, items=ITEMS, method="ranked")
    shown = live_message(messenger, poll_id)
    assert "Research behind the items: Magic-link sign-in: 2 insights" in shown
    assert "Skip email confirmation: 1 insight " in shown
    assert "Dark mode" not in shown.split("Research behind the items:")[1].split("\n")[0]
    form = await alignbot.handle(Action("vote.open", str(poll_id), person("U2", "Bo"), channel()))
    assert isinstance(form, Form)
    assert "Magic-link sign-in: 2 insights" in "".join(str(s) for s in form.intro)


async def test_private_and_retracted_insights_are_not_counted(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await share(alignbot, title="Secret", visibility="private", people=["U1"])
    await share(alignbot, title="Withdrawn finding")
    await ask(alignbot, "/insight retract 2 confirm", AUTHOR)
    poll_id = await open_vote(alignbot, items=ITEMS, method="ranked")
    assert "Research behind the items" not in live_message(messenger, poll_id)
