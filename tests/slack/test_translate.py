"""Slack payloads into core events, without a server."""

from __future__ import annotations

import json

from adapters.slack import translate
from adapters.slack.people import profile_from
from bot.events import Actor, Conversation
from bot.replies import Form
from bot.server_key import ServerKey

ADA = Actor("slack", "T1", "U1", "Ada")


def test_slash_command() -> None:
    body = {
        "command": "/WHO",
        "text": "  owns the roadmap ",
        "team_id": "T1",
        "channel_id": "C1",
        "user_id": "U1",
        "trigger_id": "t1",
    }
    command = translate.command(body, ADA)
    assert (command.name, command.text, command.trigger_id) == ("who", "owns the roadmap", "t1")
    assert command.conversation == Conversation("slack", "T1", "C1", None, False)


def test_slash_command_in_a_dm_is_direct() -> None:
    body = {"command": "/vote", "channel_id": "D9", "channel_name": "directmessage"}
    assert translate.command(body, ADA).conversation.is_direct


def test_team_from_every_payload_shape() -> None:
    assert translate.team_of({"team_id": "T1"}) == "T1"
    assert translate.team_of({"team": {"id": "T2"}}) == "T2"
    assert translate.team_of({"team": None, "user": {"team_id": "T3"}}) == "T3"


def test_button_and_menu_values() -> None:
    assert translate.action_value({"type": "button", "value": "7"}) == "7"
    assert translate.action_value({"type": "button"}) == ""
    assert translate.action_value({"selected_option": {"value": "b"}}) == "b"
    assert translate.action_value({"selected_options": [{"value": "a"}, {"value": "b"}]}) == "a,b"
    assert translate.action_value({"selected_user": "U2"}) == "U2"


def test_action_in_a_thread_refers_to_its_message() -> None:
    body = {
        "container": {"type": "message", "message_ts": "2.0", "channel_id": "C1"},
        "channel": {"id": "C1"},
        "message": {"ts": "2.0", "thread_ts": "1.0"},
        "trigger_id": "t",
        "actions": [{"action_id": "vote.cast::3", "value": "x"}],
    }
    (action,) = translate.actions(body, ADA)
    assert action.action_id == "vote.cast"
    assert action.conversation.thread_id == "1.0"
    assert action.message is not None
    assert action.message.message_id == "2.0"


def test_action_on_an_ephemeral_message_has_no_updatable_ref() -> None:
    body = {
        "container": {
            "type": "message",
            "message_ts": "2.0",
            "channel_id": "C1",
            "is_ephemeral": True,
        },
        "actions": [{"action_id": "a.b", "value": "x"}],
    }
    (action,) = translate.actions(body, ADA)
    assert action.message is None
    assert translate.action_source(body).is_ephemeral


KEY = ServerKey.ephemeral()


def test_private_metadata_round_trip() -> None:
    form = Form("vote.new", "New vote", (), metadata="poll=3")
    where = Conversation("slack", "T1", "C1", "1.0", False)
    sealed = translate.private_metadata(form, where, ADA.user_id, KEY)
    view = {"private_metadata": sealed, "state": {"values": {}}}
    submission = translate.submission({"view": view}, ADA, KEY)
    assert (submission.form_id, submission.metadata) == ("vote.new", "poll=3")
    assert submission.conversation == where


def test_altered_foreign_or_broken_private_metadata_is_no_form_at_all() -> None:
    form = Form("standup.answer", "Answer", (), metadata="1|2026-11-23|abc")
    sealed = translate.private_metadata(form, Conversation("slack", "T1", "C1"), "U1", KEY)
    signature, _, packed = sealed.partition(".")
    altered = signature + "." + packed.replace("2026-11-23", "2020-01-01")
    other_key = ServerKey.ephemeral().seal(translate.METADATA_PURPOSE, packed)
    for broken in ("{oops", "[1, 2]", "", packed, altered, other_key):
        where = translate.origin({"private_metadata": broken, "callback_id": "x.y"}, "U1", KEY)
        assert where == translate.TAMPERED
    assert translate.origin({"private_metadata": sealed}, "U2", KEY) == translate.TAMPERED
    assert translate.origin({"private_metadata": sealed}, "U1", KEY).form_id == "standup.answer"


def test_oversized_metadata_is_refused_before_slack_sees_it() -> None:
    form = Form("a.b", "T", (), metadata="m" * 4000)
    try:
        translate.private_metadata(form, Conversation("slack", "T1", "C1"), "U1", KEY)
    except translate.MetadataTooLarge:
        return
    raise AssertionError("expected MetadataTooLarge")


def test_only_people_talk_to_the_bot() -> None:
    assert translate.is_from_person({"user": "U1", "text": "hi"})
    assert not translate.is_from_person({"user": "U1", "bot_id": "B1"})
    assert not translate.is_from_person({"user": "U1", "subtype": "message_changed"})
    assert not translate.is_from_person({"text": "no user"})


def test_message_in_a_thread_and_in_a_dm() -> None:
    threaded = translate.message(
        {"channel": "C1", "ts": "2.0", "thread_ts": "1.0", "text": "x"}, ADA
    )
    assert threaded.conversation.thread_id == "1.0"
    parent = translate.message({"channel": "C1", "ts": "1.0", "thread_ts": "1.0"}, ADA)
    assert parent.conversation.thread_id is None
    direct = translate.message({"channel": "D1", "channel_type": "im", "ts": "1"}, ADA)
    assert direct.conversation.is_direct


def test_profile_prefers_the_chosen_display_name() -> None:
    user = {"name": "ada", "real_name": "Ada L", "tz": "Europe/London", "is_admin": True}
    assert profile_from({**user, "profile": {"display_name": "ada.l"}}).display_name == "ada.l"
    chosen = profile_from({**user, "profile": {"display_name": ""}})
    assert (chosen.display_name, chosen.timezone, chosen.is_admin) == (
        "Ada L",
        "Europe/London",
        True,
    )
    assert profile_from({"name": "bot"}).display_name == "bot"
    assert json.dumps(profile_from({}).__dict__)
