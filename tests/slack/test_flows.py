"""Every outcome through the real endpoint: ephemeral, public, buttons, menus, modals, DMs."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from adapters.slack import adapter as slack_adapter
from bot.events import Action, Submission
from tests.slack.harness import SlackHarness
from tests.slack.probe import Seen


def _text(payload: dict[str, Any]) -> str:
    return json.dumps(payload.get("blocks", []), ensure_ascii=False)


async def test_private_reply_goes_to_the_response_url_escaped(slack: SlackHarness) -> None:
    answer = await slack.command("/probe echo <!channel> & <@U2> <https://evil|x>")
    assert answer.status == 200
    await slack.settle()
    ((name, body),) = slack.fake.responses
    assert name == "r1"
    assert body["response_type"] == "ephemeral"
    section = body["blocks"][0]["text"]["text"]
    assert section == "You said: &lt;!channel&gt; &amp; &lt;@U2&gt; &lt;https://evil|x&gt;"
    assert "<" not in body["text"]
    assert slack.fake.called("chat.postMessage") == []


async def test_public_reply_posts_as_the_bot_with_buttons_and_menu(slack: SlackHarness) -> None:
    await slack.command("/probe shout <!here>")
    await slack.settle()
    (post,) = slack.fake.called("chat.postMessage")
    assert post["channel"] == "C1"
    assert post["blocks"][0]["text"]["text"] == "<@U1> says *&lt;!here&gt;*"
    elements = post["blocks"][1]["elements"]
    assert [e["action_id"] for e in elements] == [
        "probe.count",
        "probe.count::2",
        "probe.pick",
        "probe.open",
    ]
    assert elements[0]["style"] == "primary"
    assert elements[2]["type"] == "static_select"
    assert post["text"] == "@U1 says &lt;!here&gt;"


async def test_button_updates_the_message_it_was_on(slack: SlackHarness, seen: Seen) -> None:
    await slack.command("/probe shout vote")
    await slack.settle()
    (post,) = slack.fake.called("chat.postMessage")
    answer = await slack.click(post, "probe.count::2", ts="1700000001.000001")
    assert answer.status == 200
    await slack.settle()
    action = seen.events[-1]
    assert isinstance(action, Action)
    assert (action.action_id, action.value) == ("probe.count", "2")
    assert action.message is not None
    assert (action.message.channel_id, action.message.message_id) == ("C1", "1700000001.000001")
    (update,) = slack.fake.called("chat.update")
    assert (update["channel"], update["ts"]) == ("C1", "1700000001.000001")
    assert "counted 2" in _text(update)


async def test_menu_choice_arrives_as_the_option_value(slack: SlackHarness, seen: Seen) -> None:
    await slack.command("/probe shout vote")
    await slack.settle()
    (post,) = slack.fake.called("chat.postMessage")
    await slack.click(post, "probe.pick", value="b")
    await slack.settle()
    assert seen.events[-1].value == "b"  # type: ignore[union-attr]
    ((name, body),) = slack.fake.responses
    assert (name, body["response_type"], body["replace_original"]) == ("r2", "ephemeral", False)
    assert "picked b" in _text(body)


async def test_button_on_an_ephemeral_message_replaces_it_through_response_url(
    slack: SlackHarness,
) -> None:
    await slack.command("/probe shout vote")
    await slack.settle()
    (post,) = slack.fake.called("chat.postMessage")
    await slack.click(post, "probe.count", ephemeral=True)
    await slack.settle()
    assert slack.fake.called("chat.update") == []
    ((_, body),) = slack.fake.responses
    assert body["replace_original"] is True


async def test_modal_opens_refuses_then_accepts(slack: SlackHarness, seen: Seen) -> None:
    await slack.command("/probe form", channel="C7")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    assert opened["trigger_id"].startswith("trigger-")
    view = opened["view"]
    assert view["type"] == "modal"
    assert view["callback_id"] == "probe.form"
    assert len(view["title"]["text"]) <= 24
    assert json.loads(view["private_metadata"].partition(".")[2])["channel"] == "C7"
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"}
    assert kinds == {
        "title": "plain_text_input",
        "size": "number_input",
        "colour": "static_select",
        "people": "multi_users_select",
        "due": "datepicker",
    }

    refused = await slack.submit(view, {"title": "bad", "colour": "red"})
    assert refused.status == 200
    assert refused.json() == {
        "response_action": "errors",
        "errors": {"title": "Please give a title. Also this."},
    }
    assert slack.fake.called("chat.postEphemeral") == []

    accepted = await slack.submit(view, {"title": "Launch", "colour": "red", "people": ["U2"]})
    assert accepted.status == 200
    assert accepted.text == ""
    await slack.settle()
    submission = seen.events[-1]
    assert isinstance(submission, Submission)
    assert submission.metadata == "from:C7"
    assert submission.values["people"] == ["U2"]
    assert submission.conversation.channel_id == "C7"
    (posted,) = slack.fake.called("chat.postEphemeral")
    assert (posted["channel"], posted["user"]) == ("C7", "U1")
    assert "Saved Launch (red)" in _text(posted)


async def test_submission_reply_falls_back_to_a_dm(slack: SlackHarness) -> None:
    await slack.command("/probe form")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    slack.fake.refuse("chat.postEphemeral", "channel_not_found")
    await slack.submit(opened["view"], {"title": "Launch", "colour": "blue"})
    await slack.settle()
    assert slack.fake.called("conversations.open") == [{"users": "U1"}]
    (post,) = slack.fake.called("chat.postMessage")
    assert post["channel"] == "DU1"
    assert "Saved Launch" in _text(post)


async def test_slow_submission_closes_the_modal_then_answers(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack_adapter, "SUBMISSION_BUDGET", 0.05)
    await slack.command("/probe form")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    answer = await slack.submit(opened["view"], {"title": "slow", "colour": "blue"})
    assert (answer.status, answer.text) == (200, "")
    await slack.settle()
    (posted,) = slack.fake.called("chat.postEphemeral")
    assert "finally saved" in _text(posted)


async def test_expired_trigger_gets_an_apology(slack: SlackHarness) -> None:
    slack.fake.refuse("views.open", "expired_trigger_id")
    await slack.command("/probe form")
    await slack.settle()
    ((_, body),) = slack.fake.responses
    assert "could not open the form" in body["text"]


async def test_channel_the_bot_cannot_post_in_uses_the_response_url(slack: SlackHarness) -> None:
    slack.fake.refuse("chat.postMessage", "not_in_channel")
    await slack.command("/probe shout hi", channel="G1")
    await slack.settle()
    ((_, body),) = slack.fake.responses
    assert body["response_type"] == "in_channel"


async def test_direct_message_is_answered_in_the_dm(slack: SlackHarness, seen: Seen) -> None:
    await slack.dm("probe echo hi")
    await slack.settle()
    (post,) = slack.fake.called("chat.postMessage")
    assert post["channel"] == "DU1"
    assert "You said: hi" in _text(post)
    assert seen.events[-1].conversation.is_direct


async def test_mention_in_a_channel_answers_privately(slack: SlackHarness) -> None:
    await slack.mention("probe echo hi", channel="C3")
    await slack.settle()
    (posted,) = slack.fake.called("chat.postEphemeral")
    assert (posted["channel"], posted["user"]) == ("C3", "U1")
    assert slack.fake.called("chat.postMessage") == []


async def test_mention_in_a_thread_answers_publicly_in_the_thread(slack: SlackHarness) -> None:
    event = {
        "type": "app_mention",
        "channel": "C3",
        "user": "U1",
        "text": "<@UBOT> probe shout hi",
        "ts": "1700000900.000200",
        "thread_ts": "1700000800.000100",
    }
    await slack.event(event, "Ev77")
    await slack.settle()
    (post,) = slack.fake.called("chat.postMessage")
    assert (post["channel"], post["thread_ts"]) == ("C3", "1700000800.000100")


@pytest.mark.parametrize(
    "extra", [{"bot_id": "B2"}, {"subtype": "message_changed"}, {"subtype": "bot_message"}]
)
async def test_bot_messages_and_edits_are_ignored(
    slack: SlackHarness, seen: Seen, extra: dict[str, str]
) -> None:
    answer = await slack.dm("probe echo hi", **extra)
    await slack.settle()
    assert answer.status == 200
    assert seen.events == []
    assert [m for m in slack.fake.methods() if m != "auth.test"] == []


async def test_form_from_a_dm_opens_through_a_button(slack: SlackHarness) -> None:
    await slack.dm("probe form")
    await slack.settle()
    (post,) = slack.fake.called("chat.postMessage")
    assert slack.fake.called("views.open") == []
    await slack.click(post, "alignbot.slack.open_form", channel="DU1")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    assert opened["view"]["callback_id"] == "probe.form"
    assert json.loads(opened["view"]["private_metadata"].partition(".")[2])["channel"] == "DU1"
    await slack.click(post, "alignbot.slack.open_form", channel="DU1", response="r3")
    await slack.settle()
    ((name, body),) = slack.fake.responses
    assert name == "r3"
    assert "expired" in body["text"]


async def test_proactive_direct_message(slack: SlackHarness) -> None:
    await slack.command("/probe dm")
    await slack.settle()
    assert slack.fake.called("conversations.open") == [{"users": "U1"}]
    (post,) = slack.fake.called("chat.postMessage")
    assert post["channel"] == "DU1"
    assert post["text"] == "psst"
    assert slack.fake.responses == []


async def test_unknown_subcommand_gets_the_friendly_error(slack: SlackHarness) -> None:
    await slack.command("/probe frobnicate")
    await slack.settle()
    ((_, body),) = slack.fake.responses
    assert "Try `/probe echo hi`." in body["text"]


async def test_alignbot_umbrella_reaches_the_same_command(slack: SlackHarness, seen: Seen) -> None:
    await slack.command("/alignbot probe echo hi")
    await slack.settle()
    assert seen.events[-1].name == "probe"  # type: ignore[union-attr]
    assert "You said: hi" in _text(slack.fake.responses[0][1])


async def test_slow_command_is_acked_at_once_and_answered_later(slack: SlackHarness) -> None:
    started = time.monotonic()
    answer = await slack.command("/probe slow")
    acked_after = time.monotonic() - started
    assert answer.status == 200
    assert acked_after < 0.5
    assert slack.fake.responses == []
    await slack.settle()
    ((_, body),) = slack.fake.responses
    assert body["text"] == "finally"


async def test_submission_may_replace_the_modal_with_another(slack: SlackHarness) -> None:
    await slack.command("/probe form")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    answer = await slack.submit(opened["view"], {"title": "again", "colour": "red"})
    body = answer.json()
    assert body["response_action"] == "update"
    assert body["view"]["callback_id"] == "probe.form"
    assert json.loads(body["view"]["private_metadata"].partition(".")[2])["meta"] == "second"


async def test_public_answer_to_a_submission_is_posted_where_the_form_began(
    slack: SlackHarness,
) -> None:
    await slack.command("/probe form", channel="C5")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    await slack.submit(opened["view"], {"title": "public", "colour": "red"})
    await slack.settle()
    (post,) = slack.fake.called("chat.postMessage")
    assert post["channel"] == "C5"
    assert "Everyone: red" in _text(post)


async def test_button_that_opens_a_form_uses_the_action_trigger(slack: SlackHarness) -> None:
    await slack.command("/probe shout vote")
    await slack.settle()
    (post,) = slack.fake.called("chat.postMessage")
    await slack.click(post, "probe.open", channel="C1")
    await slack.settle()
    (opened,) = slack.fake.called("views.open")
    assert opened["trigger_id"] == "trigger-2"
    assert (
        json.loads(opened["view"]["private_metadata"].partition(".")[2])["meta"] == "from a button"
    )
