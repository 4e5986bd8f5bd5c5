"""A vote's result post goes through the outbox: a failed post is retried, and posted once."""

from __future__ import annotations

import pytest

from adapters.local.render import render
from bot import deliveries
from bot.app import AlignBot
from bot.events import Conversation, MessageRef
from bot.features.votes import polls
from bot.replies import Reply
from tests.conftest import WORKSPACE, person
from tests.support.recording import RecordingMessenger
from tests.unit.votes.support import open_vote, pick


def _results(messenger: RecordingMessenger) -> list[str]:
    return [
        text for p in messenger.posts if "voted" in (text := render(p.reply)) and "closed" in text
    ]


async def test_a_failed_result_post_is_retried_by_the_outbox_and_posted_once(
    alignbot: AlignBot, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    poll_id = await open_vote(alignbot, method="single")
    await pick(alignbot, poll_id, 0, person("U2", "Bo"))
    post = RecordingMessenger.post

    async def down(
        self: RecordingMessenger, conversation: Conversation, reply: Reply
    ) -> MessageRef:
        raise ConnectionError("Slack is down")

    monkeypatch.setattr(RecordingMessenger, "post", down)
    assert await polls.finish(alignbot.ctx, WORKSPACE, poll_id) is not None
    assert _results(messenger) == []
    monkeypatch.setattr(RecordingMessenger, "post", post)
    await deliveries.resume(alignbot.ctx)
    await deliveries.resume(alignbot.ctx)
    (result,) = _results(messenger)
    assert "1 voted" in result
    assert await polls.finish(alignbot.ctx, WORKSPACE, poll_id) is None
    assert len(_results(messenger)) == 1
