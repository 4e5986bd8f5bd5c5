"""Slack payloads into core events: pure functions, so every mapping is unit-testable."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.slack.blocks import core_action_id, dumps, form_values
from bot.events import Action, Actor, Command, Conversation, Message, MessageRef, Submission
from bot.quoted import QuotedMessage
from bot.replies import Form
from bot.server_key import ServerKey

PLATFORM = "slack"
MAX_PRIVATE_METADATA = 3000

Payload = Mapping[str, Any]


def team_of(body: Payload) -> str:
    """The workspace: commands carry `team_id`, interactions `team.id` or `user.team_id`."""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    return str(team or (body.get("user") or {}).get("team_id") or "")


def _is_direct(channel_id: str) -> bool:
    return channel_id.startswith("D")


def _thread(ts: str | None, thread_ts: str | None) -> str | None:
    """A thread id only for replies inside a thread (a thread's parent has thread_ts == ts)."""
    return thread_ts if thread_ts and thread_ts != ts else None


# Slash commands ---------------------------------------------------------------------------


def command_user(body: Payload) -> tuple[str, str]:
    return str(body.get("user_id", "")), str(body.get("user_name", ""))


def command(body: Payload, actor: Actor) -> Command:
    channel_id = str(body.get("channel_id", ""))
    direct = _is_direct(channel_id) or body.get("channel_name") == "directmessage"
    return Command(
        name=str(body.get("command", "")).lstrip("/").lower(),
        text=str(body.get("text", "")).strip(),
        actor=actor,
        conversation=Conversation(PLATFORM, actor.workspace_id, channel_id, None, direct),
        trigger_id=body.get("trigger_id"),
    )


# Block actions ----------------------------------------------------------------------------


def interaction_user(body: Payload) -> tuple[str, str]:
    user = body.get("user") or {}
    return str(user.get("id", "")), str(user.get("name") or user.get("username") or "")


def action_value(action: Payload) -> str:
    """A button's value, or the chosen option of a menu."""
    if "value" in action:
        return str(action.get("value") or "")
    option = action.get("selected_option")
    if option:
        return str(option.get("value", ""))
    options = action.get("selected_options")
    if options:
        return ",".join(str(o.get("value", "")) for o in options)
    for key in ("selected_user", "selected_conversation", "selected_channel", "selected_date"):
        if action.get(key):
            return str(action[key])
    return ""


@dataclass(frozen=True)
class ActionSource:
    """Where the button was: needed to answer in place (update it, or reply ephemerally)."""

    channel_id: str
    message_ts: str | None
    is_ephemeral: bool
    response_url: str | None


def action_source(body: Payload) -> ActionSource:
    container = body.get("container") or {}
    posted = body.get("message") or {}
    channel_id = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
    return ActionSource(
        channel_id=str(channel_id),
        message_ts=container.get("message_ts") or posted.get("ts"),
        is_ephemeral=bool(container.get("is_ephemeral")),
        response_url=body.get("response_url"),
    )


def on_home(body: Payload) -> bool:
    """The button is on the person's App Home page (a `home` view, not a message or modal)."""
    return (body.get("view") or {}).get("type") == "home"


def actions(body: Payload, actor: Actor) -> list[Action]:
    source = action_source(body)
    posted = body.get("message") or {}
    thread = _thread(posted.get("ts"), posted.get("thread_ts"))
    conversation = Conversation(
        PLATFORM, actor.workspace_id, source.channel_id, thread, _is_direct(source.channel_id)
    )
    ref = None
    if source.message_ts and source.channel_id and not source.is_ephemeral:
        ref = MessageRef(PLATFORM, actor.workspace_id, source.channel_id, source.message_ts)
    return [
        Action(
            action_id=core_action_id(str(item.get("action_id", ""))),
            value=action_value(item),
            actor=actor,
            conversation=conversation,
            message=ref,
            trigger_id=body.get("trigger_id"),
        )
        for item in body.get("actions") or []
    ]


# Shortcuts --------------------------------------------------------------------------------

# The manifest's shortcut callback ids and the core actions they start.
SHORTCUTS = {
    "insight_from_message": "insight.from_message",
    "vote_from_message": "vote.from_message",
    "who_owns": "who.ask",
}


def permalink(body: Payload, channel_id: str, ts: str, thread_ts: str | None) -> str:
    """The message's link in Slack's documented permalink form, built from the (signed)
    payload rather than asked of `chat.getPermalink`, so the modal opens within the
    trigger's three seconds."""
    domain = str((body.get("team") or {}).get("domain") or "")
    if not (domain.replace("-", "").isalnum() and channel_id.isalnum() and ts):
        return ""
    link = f"https://{domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
    return f"{link}?thread_ts={thread_ts}&cid={channel_id}" if thread_ts else link


def shortcut(body: Payload, actor: Actor) -> Action | None:
    """A message or global shortcut as the core action it starts; None for one we never
    declared. The message's text is untrusted input like any other."""
    action_id = SHORTCUTS.get(str(body.get("callback_id", "")))
    if action_id is None:
        return None
    posted = body.get("message")
    posted = posted if isinstance(posted, dict) else {}
    channel = body.get("channel")
    channel_id = str((channel if isinstance(channel, dict) else {}).get("id") or "")
    ts = str(posted.get("ts") or "")
    thread = posted.get("thread_ts") or ts or None
    value = ""
    if body.get("type") == "message_action":
        link = permalink(body, channel_id, ts, _thread(ts, posted.get("thread_ts")))
        value = QuotedMessage(str(posted.get("text") or ""), link).encode()
    return Action(
        action_id=action_id,
        value=value,
        actor=actor,
        conversation=Conversation(
            PLATFORM, actor.workspace_id, channel_id, thread, _is_direct(channel_id)
        ),
        trigger_id=body.get("trigger_id"),
    )


# Modals -----------------------------------------------------------------------------------


class MetadataTooLarge(ValueError):
    """The form's metadata does not fit Slack's 3,000 characters of private_metadata."""


METADATA_PURPOSE = "slack.private_metadata"


def private_metadata(form: Form, conversation: Conversation, user_id: str, key: ServerKey) -> str:
    """What the submission needs back: the core form id and metadata, where it began and for
    whom, sealed with the server key (a client could alter it; see `origin`)."""
    packed = dumps(
        {
            "form": form.form_id,
            "meta": form.metadata,
            "channel": conversation.channel_id,
            "thread": conversation.thread_id,
            "direct": conversation.is_direct,
            "user": user_id,
        }
    )
    sealed = key.seal(METADATA_PURPOSE, packed)
    if len(sealed) > MAX_PRIVATE_METADATA:
        raise MetadataTooLarge(f"form {form.form_id} metadata is {len(sealed)} characters")
    return sealed


@dataclass(frozen=True)
class Origin:
    form_id: str
    metadata: str
    channel_id: str
    thread_id: str | None
    is_direct: bool


TAMPERED = Origin("", "", "", None, False)  # no form has the empty id: "That form has expired"


def origin(view: Payload, user_id: str, key: ServerKey) -> Origin:
    """The sealed origin of a modal; TAMPERED when it was altered, or sealed for someone else."""
    packed = key.open(METADATA_PURPOSE, str(view.get("private_metadata") or ""))
    try:
        data = json.loads(packed) if packed is not None else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("user") != user_id:
        return TAMPERED
    return Origin(
        form_id=str(data.get("form") or ""),
        metadata=str(data.get("meta") or ""),
        channel_id=str(data.get("channel") or ""),
        thread_id=data.get("thread") or None,
        is_direct=bool(data.get("direct")),
    )


def submission(body: Payload, actor: Actor, key: ServerKey) -> Submission:
    view = body.get("view") or {}
    where = origin(view, actor.user_id, key)
    return Submission(
        form_id=where.form_id,
        values=form_values((view.get("state") or {}).get("values") or {}),
        actor=actor,
        conversation=Conversation(
            PLATFORM, actor.workspace_id, where.channel_id, where.thread_id, where.is_direct
        ),
        metadata=where.metadata,
    )


def input_block_ids(body: Payload) -> list[str]:
    view = body.get("view") or {}
    return [b["block_id"] for b in view.get("blocks") or [] if b.get("type") == "input"]


# Events -----------------------------------------------------------------------------------


def is_from_person(event: Payload) -> bool:
    """Bots (us included) and edits, joins, deletions (`subtype`) are never commands."""
    return bool(event.get("user")) and not event.get("bot_id") and not event.get("subtype")


def message(event: Payload, actor: Actor) -> Message:
    channel_id = str(event.get("channel", ""))
    direct = event.get("channel_type") == "im" or _is_direct(channel_id)
    return Message(
        text=str(event.get("text", "")),
        actor=actor,
        conversation=Conversation(
            PLATFORM,
            actor.workspace_id,
            channel_id,
            _thread(event.get("ts"), event.get("thread_ts")),
            direct,
        ),
    )
