"""Reading Teams activities: identity, conversations, mentions and card payloads."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.schema import Activity

from adapters.teams import inbound
from bot.events import Action
from bot.replies import Input, InputKind
from tests.teams.activities import BOB, BOT, TENANT, channel_conversation, message

URL = "http://127.0.0.1:1/"


def _activity(raw: dict[str, Any]) -> Activity:
    return Activity().deserialize(raw)


def test_actor_is_the_aad_object_id_in_the_tenant_with_name_and_zone() -> None:
    actor = inbound.actor_of(_activity(message(URL, "hi")))
    assert actor.platform == "teams"
    assert actor.workspace_id == TENANT
    assert actor.user_id == "aad-ada"
    assert actor.display_name == "Ada Lovelace"
    assert actor.timezone == "Europe/Berlin"


def test_without_an_aad_id_the_teams_id_is_used_and_a_bad_zone_is_dropped() -> None:
    raw = message(URL, "hi", sender={"id": "29:guest", "name": "Guest"})
    raw["localTimezone"] = "Mars/Olympus"
    actor = inbound.actor_of(_activity(raw))
    assert actor.user_id == "29:guest"
    assert actor.timezone is None


def test_tenant_falls_back_to_the_conversation_then_to_a_marker() -> None:
    raw = message(URL, "hi")
    del raw["channelData"]
    assert inbound.tenant_of(_activity(raw)) == TENANT
    del raw["conversation"]["tenantId"]
    assert inbound.tenant_of(_activity(raw)) == inbound.NO_TENANT


def test_channel_thread_is_split_from_the_conversation_id() -> None:
    raw = message(URL, "hi", conversation=channel_conversation("42"))
    conversation = inbound.conversation_of(_activity(raw))
    assert conversation.channel_id == "19:product@thread.tacv2"
    assert conversation.thread_id == "42"
    assert conversation.is_direct is False


def test_personal_chat_is_direct_without_thread() -> None:
    conversation = inbound.conversation_of(_activity(message(URL, "hi")))
    assert conversation.is_direct is True
    assert conversation.thread_id is None


def _mention(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "name": person["name"]}


def test_the_bots_own_mention_is_stripped() -> None:
    raw = message(URL, "<at>alignbot</at> who owns alignbot pricing?", mentions=[BOT])
    assert inbound.message_text(_activity(raw)) == "who owns alignbot pricing?"


def test_line_breaks_inside_a_message_are_kept() -> None:
    raw = message(URL, "<at>alignbot</at> raci import\r\nDecision,PO\r\nRoadmap,A ", mentions=[BOT])
    assert inbound.message_text(_activity(raw)) == "raci import\nDecision,PO\nRoadmap,A"


def test_other_mentions_become_core_mentions_by_aad_id() -> None:
    text = "<at>alignbot</at> role assign <at>Bob Builder</at> Product Owner"
    raw = message(URL, text, mentions=[BOT, BOB])
    assert (
        inbound.message_text(_activity(raw)) == "role assign <@aad-bob|Bob Builder> Product Owner"
    )


def test_mentions_without_aad_id_use_known_ids_then_the_teams_id() -> None:
    text = "<at>Bob Builder</at> and <at>Carol</at>"
    carol = {"id": "29:carol", "name": "Carol"}
    raw = message(URL, text, mentions=[_mention(BOB), carol])
    activity = _activity(raw)
    assert inbound.mentioned_teams_ids(activity) == {"29:bob", "29:carol"}
    rewritten = inbound.message_text(activity, {"29:bob": "aad-bob"})
    assert rewritten == "<@aad-bob|Bob Builder> and <@29:carol|Carol>"


def test_the_same_person_mentioned_twice_is_rewritten_twice() -> None:
    raw = message(URL, "<at>Bob Builder</at> <at>Bob Builder</at>", mentions=[BOB, BOB])
    assert inbound.message_text(_activity(raw)) == "<@aad-bob|Bob Builder> <@aad-bob|Bob Builder>"


def test_channel_mentions_become_core_channel_mentions() -> None:
    general = {"id": "19:general@thread.tacv2", "name": "General"}
    raw = message(URL, "insight subscribe <at>General</at> onboarding", mentions=[general])
    assert (
        inbound.message_text(_activity(raw))
        == "insight subscribe <#19:general@thread.tacv2|General> onboarding"
    )


def test_names_cannot_break_the_core_mention_spelling() -> None:
    odd = {"id": "29:x", "name": "A>|B", "aadObjectId": "aad-x"}
    raw = message(URL, "<at>A>|B</at>", mentions=[odd])
    assert inbound.message_text(_activity(raw)) == "<@aad-x|AB>"


def _submit(value: dict[str, Any], card_id: str | None = "card-1") -> Activity:
    raw = message(URL, "")
    raw["value"] = value
    if card_id:
        raw["replyToId"] = card_id
    return _activity(raw)


def test_button_payload_is_an_action_on_the_card() -> None:
    value = {"alignbot_action": "vote.cast", "value": "7"}
    event = inbound.card_event(_submit(value), value)
    assert isinstance(event, Action)
    assert event.action_id == "vote.cast"
    assert event.value == "7"
    assert event.message is not None
    assert event.message.message_id == "card-1"
    assert event.message.channel_id == "a:1personal-ada"


def test_select_payload_reads_the_chosen_option() -> None:
    value = {
        "alignbot_action": "x.pick",
        "alignbot_select": "alignbot_select_2",
        "alignbot_select_2": "b",
    }
    event = inbound.card_event(_submit(value, None), value)
    assert isinstance(event, Action)
    assert event.value == "b"
    assert event.message is None


def test_dialog_values_are_read_by_the_kept_form_only() -> None:
    inputs = (
        Input("title", "Title"),
        Input("tags", "Tags", InputKind.MULTI_SELECT),
        Input("who", "People", InputKind.USERS),
        Input("where", "Channel", InputKind.CHANNEL),
    )
    data = {
        "alignbot_dialog": "token",
        "title": "Drop-off",
        "tags": "a,b, c",
        "who": "aad-1,aad-2",
        "where": "https://teams.microsoft.com/l/channel/19%3aabc%40thread.tacv2/General?groupId=g",
        "metadata": "forged",  # not an input of the form: never read
    }
    assert inbound.form_values(inputs, data) == {
        "title": "Drop-off",
        "tags": ["a", "b", "c"],
        "who": ["aad-1", "aad-2"],
        "where": "19:abc@thread.tacv2",
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("19:abc@thread.tacv2", "19:abc@thread.tacv2"),
        ("19:abc@thread.tacv2;messageid=5", "19:abc@thread.tacv2"),
        ("<#19:abc@thread.tacv2|General>", "19:abc@thread.tacv2"),
        ("  general  ", "general"),
    ],
)
def test_channel_inputs_accept_ids_and_mentions(typed: str, expected: str) -> None:
    assert inbound.channel_id_from(typed) == expected


def test_payloads_that_are_not_ours_are_ignored() -> None:
    assert not inbound.is_card_payload({"msteams": {"type": "imBack"}})
    assert not inbound.is_card_payload("text")
    assert not inbound.is_card_payload({"alignbot_form": "f"})  # forms come back via dialogs
    assert inbound.is_card_payload({"alignbot_action": "a"})
