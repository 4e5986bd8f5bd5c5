"""Activities POSTed to the real /api/messages; the real botbuilder SDK answers a fake connector."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.teams import cards, dialogs
from bot.events import Conversation
from bot.feature import Feature
from bot.features import help as help_feature
from bot.ports import NoRouteError
from bot.replies import reply, text
from storage.repositories import teams_refs
from tests.support.fake_connector import Call
from tests.teams.activities import (
    ADA,
    BOB,
    BOT,
    CHANNEL,
    PERSONAL,
    TENANT,
    card_execute,
    card_submit,
    channel_conversation,
    channel_message,
    installed,
    message,
    personal_conversation,
    task_fetch,
    task_submit,
)
from tests.teams.conftest import TeamsHarness
from tests.teams.demo_feature import Seen, demo_feature


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def features(seen: Seen) -> list[Feature]:
    return [help_feature.FEATURE, demo_feature(seen)]


def _texts(call: Call) -> str:
    return json.dumps(call.card, ensure_ascii=False)


async def _only(teams: TeamsHarness, kind: str) -> Call:
    [call] = teams.connector.of_kind(kind)
    return call


# Messages ---------------------------------------------------------------------------------


async def test_help_in_a_personal_chat_lists_the_commands_as_messages(teams: TeamsHarness) -> None:
    activity = message(teams.service_url, "help")
    response = await teams.send(activity)
    assert response.status == 201
    answer = await _only(teams, "reply")
    assert answer.conversation_id == PERSONAL
    assert answer.activity_id == activity["id"]
    assert answer.body["replyToId"] == activity["id"]
    assert answer.body["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert "echo — repeats what you say" in _texts(answer)
    assert "who owns the roadmap?" in _texts(answer)


async def test_a_greeting_with_only_the_bot_mentioned_gets_help_privately(
    teams: TeamsHarness,
) -> None:
    await teams.send(channel_message(teams.service_url, ""))
    created = await _only(teams, "create")
    assert created.body["members"] == [{"id": ADA["id"]}]
    assert created.body["isGroup"] is False
    assert created.body["channelData"] == {"tenant": {"id": TENANT}}
    answer = await _only(teams, "post")
    assert answer.conversation_id.startswith("a:direct-")
    assert "alignbot: what I can do" in _texts(answer)
    assert teams.connector.of_kind("reply") == []  # nothing in the channel


async def test_channel_message_strips_the_bot_and_rewrites_mentions(
    teams: TeamsHarness, seen: Seen
) -> None:
    activity = channel_message(
        teams.service_url, "echo thanks <at>Bob Builder</at>!", mentions=[BOB]
    )
    await teams.send(activity)
    [command] = seen.commands
    assert command.name == "echo"
    assert command.text == "thanks <@aad-bob|Bob Builder>!"
    assert command.actor.user_id == "aad-ada"
    assert command.actor.workspace_id == TENANT
    assert command.conversation.channel_id == CHANNEL
    assert command.conversation.thread_id == "1700000000000"
    answer = await _only(teams, "reply")
    assert answer.conversation_id == f"{CHANNEL};messageid=1700000000000"
    assert "you said: thanks \\\\<@aad-bob|Bob Builder\\\\>!" in _texts(answer)


async def test_mentions_of_people_seen_before_resolve_to_their_aad_id(
    teams: TeamsHarness, seen: Seen
) -> None:
    await teams.send(channel_message(teams.service_url, "echo hi", sender=BOB))
    bare_bob = {"id": BOB["id"], "name": BOB["name"]}
    await teams.send(
        channel_message(teams.service_url, "echo <at>Bob Builder</at>", mentions=[bare_bob])
    )
    assert seen.commands[-1].text == "<@aad-bob|Bob Builder>"


async def test_mentions_of_unknown_people_are_looked_up_once_each(
    teams: TeamsHarness, seen: Seen
) -> None:
    teams.connector.members["29:carol"] = {
        "id": "29:carol",
        "name": "Carol",
        "aadObjectId": "aad-carol",
    }
    carol, dave = {"id": "29:carol", "name": "Carol"}, {"id": "29:dave", "name": "Dave"}
    teams.connector.fail_next(1, status=429, retry_after="0")
    line = "echo <at>Carol</at> and <at>Dave</at>"
    await teams.send(channel_message(teams.service_url, line, mentions=[carol, dave]))
    assert seen.commands[0].text == "<@aad-carol|Carol> and <@29:dave|Dave>"
    lookups = teams.connector.of_kind("member")
    assert sorted(call.activity_id or "" for call in lookups) == ["29:carol", "29:dave"]
    assert teams.connector.refused == [429]


async def test_a_redelivered_message_is_answered_once(teams: TeamsHarness, seen: Seen) -> None:
    activity = message(teams.service_url, "echo once")
    await teams.send(activity)
    again = await teams.send(activity)
    assert again.status == 201
    assert len(seen.commands) == 1
    assert len(teams.connector.of_kind("reply")) == 1


async def test_unknown_command_gets_a_friendly_answer(teams: TeamsHarness) -> None:
    await teams.send(message(teams.service_url, "ech hello"))
    answer = (await _only(teams, "reply")).card["body"][0]["text"]
    assert "Did you mean \\`echo\\`?" in answer  # plain text from the core: shown, not formatted


async def test_an_answer_too_big_for_one_card_arrives_in_several(teams: TeamsHarness) -> None:
    activity = message(teams.service_url, "big 900")
    await teams.send(activity)
    replies = teams.connector.of_kind("reply")
    assert len(replies) > 1
    assert all(call.activity_id == activity["id"] for call in replies)
    rows = [block["text"] for call in replies for block in call.card["body"]]
    assert len(rows) == 900
    assert rows[-1].startswith("row" + cards.NBSP + "0899")


# Cards --------------------------------------------------------------------------------------


async def test_button_submit_reaches_the_action_and_replaces_the_card(
    teams: TeamsHarness, seen: Seen
) -> None:
    submit = card_submit(
        teams.service_url, {"alignbot_action": "demo.tally", "value": "5"}, card_id="card-9"
    )
    await teams.send(submit)
    [action] = seen.actions
    assert action.action_id == "demo.tally"
    assert action.value == "5"
    assert action.message is not None
    assert action.message.message_id == "card-9"
    update = await _only(teams, "update")
    assert update.method == "PUT"
    assert update.activity_id == "card-9"
    assert update.conversation_id == PERSONAL
    assert update.card["body"][0]["text"] == "tally 5"
    assert teams.connector.of_kind("reply") == []


async def test_button_without_replace_answers_in_the_conversation(teams: TeamsHarness) -> None:
    submit = card_submit(
        teams.service_url, {"alignbot_action": "demo.ping", "value": "x"}, card_id="card-9"
    )
    await teams.send(submit)
    assert (await _only(teams, "reply")).card["body"][0]["text"] == "pong x"
    assert teams.connector.of_kind("update") == []


async def _open_dialog(teams: TeamsHarness, **where: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """`ask` in a message, then the launcher's button: the dialog's card and its submit data."""
    await teams.send(message(teams.service_url, "ask", **where))
    launcher = teams.connector.of_kind("reply")[-1].card
    [button] = launcher["actions"]
    assert button["data"]["msteams"] == {"type": "task/fetch"}
    response = await teams.send(task_fetch(teams.service_url, button["data"], **where))
    assert response.status == 200
    task = (await response.json())["task"]
    assert task["type"] == "continue"
    assert task["value"]["card"]["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = task["value"]["card"]["content"]
    [submit] = card["actions"]
    return card, submit["data"]


async def _submit_dialog(teams: TeamsHarness, values: dict[str, Any], **who: Any) -> Any:
    response = await teams.send(task_submit(teams.service_url, values, **who))
    assert response.status == 200
    return (await response.json())["task"]


async def test_form_opens_in_a_dialog_refuses_in_place_then_answers_privately(
    teams: TeamsHarness, seen: Seen
) -> None:
    card, data = await _open_dialog(teams)
    assert set(data) == {"alignbot_dialog", "alignbot_seal"}  # only a sealed reference
    assert "ctx-1" not in json.dumps(card)
    inputs = {e["id"]: e for e in card["body"] if "id" in e}
    assert set(inputs) == {"title", "count", "tags", "who"}

    typed = {**data, "title": "bad", "count": "3", "tags": "a,b", "who": "aad-bob"}
    refused = await _submit_dialog(teams, typed)
    assert refused["type"] == "continue"
    again = refused["value"]["card"]["content"]
    inputs = {e["id"]: e for e in again["body"] if "id" in e}
    assert inputs["title"]["value"] == "bad"
    assert inputs["tags"]["value"] == "a,b"
    assert inputs["count"]["value"] == 3
    assert inputs["who"]["value"] == "aad-bob"
    assert "⚠ Give it a real title." in json.dumps(again, ensure_ascii=False)
    assert seen.submissions[0].values["tags"] == ["a", "b"]
    assert seen.submissions[0].metadata == "ctx-1"  # from the server's copy of the form

    accepted = {**data, "title": "Checkout", "count": "2", "tags": "b"}
    result = await _submit_dialog(teams, accepted)
    assert result["type"] == "continue"  # the private answer is the dialog's result
    assert result["value"]["card"]["content"]["body"][0]["text"] == "Saved Checkout"
    assert seen.submissions[-1].values == {"title": "Checkout", "count": "2", "tags": ["b"]}
    assert teams.connector.of_kind("post") == []
    assert len(teams.connector.of_kind("reply")) == 1  # only the launcher card

    spent = await _submit_dialog(teams, accepted)
    assert spent == {"type": "message", "value": dialogs.GONE}
    assert len(seen.submissions) == 2


async def test_a_dialog_is_only_for_whoever_asked_for_it(teams: TeamsHarness, seen: Seen) -> None:
    _, data = await _open_dialog(teams)
    other = await _submit_dialog(teams, {**data, "title": "Mine now"}, sender=BOB)
    assert other == {"type": "message", "value": dialogs.NOT_YOURS}
    forged = await _submit_dialog(teams, {"alignbot_dialog": "x" * 43, "title": "t"})
    assert forged == {"type": "message", "value": dialogs.GONE}
    assert seen.submissions == []


async def test_a_form_button_opens_its_dialog_directly(teams: TeamsHarness, seen: Seen) -> None:
    response = await teams.send(
        task_fetch(teams.service_url, {"alignbot_action": "demo.open", "value": "v"}, card_id="c")
    )
    task = (await response.json())["task"]
    assert task["type"] == "continue"
    assert task["value"]["title"] == "Tell me"
    assert seen.actions[0].action_id == "demo.open"


async def test_action_execute_answering_a_form_offers_the_dialog(teams: TeamsHarness) -> None:
    response = await teams.send(
        card_execute(teams.service_url, {"alignbot_action": "demo.open", "value": "v"}, card_id="c")
    )
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    [button] = body["value"]["actions"]
    assert button["data"]["msteams"] == {"type": "task/fetch"}
    assert set(button["data"]) == {"alignbot_dialog", "alignbot_seal", "msteams"}


async def test_action_execute_with_a_foreign_payload_is_a_bad_request(teams: TeamsHarness) -> None:
    response = await teams.send(card_execute(teams.service_url, {"other": 1}, card_id="c"))
    body = await response.json()
    assert body["statusCode"] == 400
    assert teams.connector.calls == []


# Installation and references ----------------------------------------------------------------


async def _references(teams: TeamsHarness, kind: str, subject: str) -> Any:
    async with teams.bot.ctx.db.transaction() as session:
        return await teams_refs.for_person(session, TENANT, subject, kind)


async def test_personal_install_stores_a_reference_and_welcomes(teams: TeamsHarness) -> None:
    await teams.send(installed(teams.service_url, personal_conversation()))
    welcome = await _only(teams, "post")
    assert welcome.conversation_id == PERSONAL
    assert "Hi, I'm alignbot" in _texts(welcome)
    stored = await _references(teams, teams_refs.PERSONAL, "aad-ada")
    assert stored.conversation_id == PERSONAL
    assert stored.teams_user_id == "29:ada"
    assert stored.service_url == teams.service_url
    assert "activityId" not in json.loads(stored.reference)


async def test_team_install_stores_the_channel_and_welcomes_there(teams: TeamsHarness) -> None:
    await teams.send(installed(teams.service_url, channel_conversation(None)))
    welcome = await _only(teams, "post")
    assert welcome.conversation_id == CHANNEL
    assert "@alignbot help" in _texts(welcome)
    async with teams.bot.ctx.db.transaction() as session:
        stored = await teams_refs.for_conversation(session, TENANT, CHANNEL)
    assert stored is not None
    assert stored.kind == teams_refs.CHANNEL


async def test_every_message_refreshes_the_channel_and_member_references(
    teams: TeamsHarness,
) -> None:
    await teams.send(channel_message(teams.service_url, "echo hi", sender=BOB))
    member = await _references(teams, teams_refs.MEMBER, "aad-bob")
    assert member.conversation_id == CHANNEL
    assert member.teams_user_id == "29:bob"
    assert json.loads(member.reference)["conversation"]["id"] == CHANNEL


# Proactive messages -------------------------------------------------------------------------


async def _install_in_channel(teams: TeamsHarness) -> None:
    """The team install that stores the channel's reference; its welcome is tested above."""
    await teams.send(installed(teams.service_url, channel_conversation(None)))
    assert len(teams.connector.of_kind("post")) == 1
    teams.connector.calls.clear()


async def test_a_job_posts_to_a_channel_and_updates_the_card(teams: TeamsHarness) -> None:
    await _install_in_channel(teams)
    conversation = Conversation("teams", TENANT, CHANNEL)
    ref = await teams.bot.messenger.post(conversation, reply(text("Stand-up time"), public=True))
    posted = await _only(teams, "post")
    assert posted.conversation_id == CHANNEL
    assert posted.card["body"][0]["text"] == "Stand-up time"
    assert posted.body["from"] == BOT
    assert ref.platform == "teams"
    assert ref.channel_id == CHANNEL

    await teams.bot.messenger.update(ref, reply(text("Stand-up closed")))
    update = await _only(teams, "update")
    assert update.activity_id == ref.message_id
    assert update.conversation_id == CHANNEL
    assert update.card["body"][0]["text"] == "Stand-up closed"


async def test_a_job_posts_into_a_thread(teams: TeamsHarness) -> None:
    await _install_in_channel(teams)
    conversation = Conversation("teams", TENANT, CHANNEL, thread_id="42")
    ref = await teams.bot.messenger.post(conversation, reply(text("in thread")))
    assert (await _only(teams, "post")).conversation_id == f"{CHANNEL};messageid=42"
    await teams.bot.messenger.update(ref, reply(text("edited")))
    assert (await _only(teams, "update")).conversation_id == f"{CHANNEL};messageid=42"


async def test_direct_message_uses_the_stored_personal_chat(teams: TeamsHarness) -> None:
    await teams.send(message(teams.service_url, "echo hi"))
    ref = await teams.bot.messenger.send_direct(
        TENANT, "aad-ada", reply(text("Your turn")), platform="teams"
    )
    posted = await _only(teams, "post")
    assert posted.conversation_id == PERSONAL
    assert posted.body["recipient"]["id"] == ADA["id"]
    assert ref.channel_id == PERSONAL
    assert teams.connector.of_kind("create") == []


async def test_direct_message_opens_a_chat_with_someone_seen_in_a_channel(
    teams: TeamsHarness,
) -> None:
    await teams.send(channel_message(teams.service_url, "echo hi", sender=BOB))
    first = await teams.bot.messenger.send_direct(
        TENANT, "aad-bob", reply(text("Hello Bob")), platform="teams"
    )
    create = await _only(teams, "create")
    assert create.body["members"] == [{"id": "29:bob"}]
    assert create.body["isGroup"] is False
    assert create.body["channelData"] == {"tenant": {"id": TENANT}}
    assert create.body["bot"]["id"] == BOT["id"]
    posted = await _only(teams, "post")
    assert posted.conversation_id == first.channel_id
    assert posted.conversation_id.startswith("a:direct-")

    await teams.endpoint.messenger.settle()  # the new chat is stored after the sender's turn
    await teams.bot.messenger.send_direct(TENANT, "aad-bob", reply(text("Again")), platform="teams")
    assert len(teams.connector.of_kind("create")) == 1
    assert teams.connector.of_kind("post")[-1].conversation_id == first.channel_id


async def test_proactive_output_without_a_reference_says_why(teams: TeamsHarness) -> None:
    with pytest.raises(NoRouteError, match="installed"):
        await teams.bot.messenger.send_direct("other", "u", reply(text("x")), platform="teams")
    with pytest.raises(NoRouteError, match="no Teams reference"):
        await teams.bot.messenger.post(Conversation("teams", TENANT, "19:x"), reply(text("x")))
    assert teams.connector.calls == []


# Throttling ---------------------------------------------------------------------------------


async def test_throttled_replies_are_retried_and_delivered_once(teams: TeamsHarness) -> None:
    teams.connector.fail_next(2, status=429, retry_after="0")
    response = await teams.send(message(teams.service_url, "echo hi"))
    assert response.status == 201
    assert teams.connector.refused == [429, 429]
    assert len(teams.connector.of_kind("reply")) == 1


async def test_unavailable_connector_is_retried_for_posts_and_updates(
    teams: TeamsHarness,
) -> None:
    await _install_in_channel(teams)
    teams.connector.fail_next(1, status=503, retry_after=None)
    ref = await teams.bot.messenger.post(Conversation("teams", TENANT, CHANNEL), reply(text("a")))
    teams.connector.fail_next(2, status=503, retry_after=None)
    await teams.bot.messenger.update(ref, reply(text("b")))
    assert teams.connector.refused == [503, 503, 503]
    assert len(teams.connector.of_kind("post")) == 1
    assert len(teams.connector.of_kind("update")) == 1


async def test_throttled_chat_creation_is_retried(teams: TeamsHarness) -> None:
    await teams.send(channel_message(teams.service_url, "echo hi", sender=BOB))
    teams.connector.calls.clear()
    teams.connector.fail_next(1, status=429, retry_after="0")
    await teams.bot.messenger.send_direct(TENANT, "aad-bob", reply(text("x")), platform="teams")
    assert [call.kind for call in teams.connector.calls] == ["create", "post"]


# HTTP surface -------------------------------------------------------------------------------


async def test_non_json_requests_are_refused(teams: TeamsHarness) -> None:
    response = await teams.session.post(f"{teams.url}/api/messages", data="hello")
    assert response.status == 415


@pytest.mark.parametrize("body", ["{not json", "[1, 2]"])
async def test_malformed_bodies_are_bad_requests(teams: TeamsHarness, body: str) -> None:
    response = await teams.session.post(
        f"{teams.url}/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert teams.connector.calls == []
