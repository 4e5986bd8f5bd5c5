"""Activities exactly as Teams POSTs them to a bot's messaging endpoint."""

from __future__ import annotations

import itertools
from typing import Any

TENANT = "tenant-1"
BOT = {"id": "28:alignbot-app", "name": "alignbot"}
CHANNEL = "19:product@thread.tacv2"
PERSONAL = "a:1personal-ada"
ADA = {"id": "29:ada", "name": "Ada Lovelace", "aadObjectId": "aad-ada"}
BOB = {"id": "29:bob", "name": "Bob Builder", "aadObjectId": "aad-bob"}

_ids = itertools.count(1000)


def _base(service_url: str, conversation: dict[str, Any], sender: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(next(_ids)),
        "timestamp": "2026-11-23T09:00:00.000Z",
        "localTimezone": "Europe/Berlin",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": sender,
        "recipient": BOT,
        "conversation": conversation,
        "channelData": {"tenant": {"id": TENANT}},
        "locale": "en-US",
    }


def channel_conversation(thread: str | None = "1700000000000") -> dict[str, Any]:
    suffix = f";messageid={thread}" if thread else ""
    return {
        "id": CHANNEL + suffix,
        "conversationType": "channel",
        "isGroup": True,
        "tenantId": TENANT,
    }


def personal_conversation() -> dict[str, Any]:
    return {"id": PERSONAL, "conversationType": "personal", "tenantId": TENANT}


def message(
    service_url: str,
    text: str,
    *,
    sender: dict[str, Any] | None = None,
    conversation: dict[str, Any] | None = None,
    mentions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    activity = _base(service_url, conversation or personal_conversation(), sender or ADA)
    activity.update({"type": "message", "text": text, "textFormat": "plain"})
    if mentions:
        activity["entities"] = [
            {"type": "mention", "text": f"<at>{m['name']}</at>", "mentioned": m} for m in mentions
        ]
    return activity


def channel_message(service_url: str, text: str, **kwargs: Any) -> dict[str, Any]:
    """A channel post that @mentions the bot, as Teams requires in channels."""
    mentions = [BOT, *kwargs.pop("mentions", [])]
    return message(
        service_url,
        f"<at>alignbot</at> {text}",
        conversation=kwargs.pop("conversation", channel_conversation()),
        mentions=mentions,
        **kwargs,
    )


def card_submit(
    service_url: str,
    value: dict[str, Any],
    *,
    card_id: str,
    conversation: dict[str, Any] | None = None,
    sender: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An Action.Submit: a message with no text whose `value` is the data plus the inputs."""
    activity = _base(service_url, conversation or personal_conversation(), sender or ADA)
    activity.update({"type": "message", "replyToId": card_id, "value": value})
    return activity


def card_execute(
    service_url: str, data: dict[str, Any], *, card_id: str, sender: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An Action.Execute (Universal Actions): an `adaptiveCard/action` invoke."""
    activity = _base(service_url, personal_conversation(), sender or ADA)
    activity.update(
        {
            "type": "invoke",
            "name": "adaptiveCard/action",
            "replyToId": card_id,
            "value": {
                "action": {"type": "Action.Execute", "verb": "alignbot", "data": data},
                "trigger": "manual",
            },
        }
    )
    return activity


def installed(
    service_url: str, conversation: dict[str, Any], sender: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The conversationUpdate Teams sends when the app is added to a chat or team."""
    activity = _base(service_url, conversation, sender or ADA)
    activity.update({"type": "conversationUpdate", "membersAdded": [{"id": BOT["id"]}]})
    return activity


def _task(
    name: str,
    service_url: str,
    data: dict[str, Any],
    card_id: str | None,
    conversation: dict[str, Any] | None,
    sender: dict[str, Any] | None,
) -> dict[str, Any]:
    activity = _base(service_url, conversation or personal_conversation(), sender or ADA)
    activity.update(
        {"type": "invoke", "name": name, "value": {"data": data, "context": {"theme": "default"}}}
    )
    if card_id:
        activity["replyToId"] = card_id
    return activity


def task_fetch(
    service_url: str,
    data: dict[str, Any],
    *,
    card_id: str | None = None,
    conversation: dict[str, Any] | None = None,
    sender: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A button with `msteams: {type: task/fetch}` was pressed: Teams asks what to show."""
    return _task("task/fetch", service_url, data, card_id, conversation, sender)


def task_submit(
    service_url: str,
    data: dict[str, Any],
    *,
    conversation: dict[str, Any] | None = None,
    sender: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A dialog's Action.Submit: the action's data with the inputs merged beside it."""
    return _task("task/submit", service_url, data, None, conversation, sender)
