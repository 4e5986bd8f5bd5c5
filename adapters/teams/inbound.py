"""Teams activities in the core's words: who, where, what was typed, which card was used.

Identity choice: a person's core `user_id` is their Entra ID (AAD) object id
(`from.aadObjectId`), because that is what the Teams people picker returns and what stays
the same across teams, chats and app reinstalls. Only when Teams sends no AAD id (Bot Framework
Emulator, some anonymous meeting guests) do we fall back to the channel account id (`29:…`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, assert_never
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from adapters.teams.cards import ACTION_KEY, SELECT_KEY
from bot.events import Action, Actor, Conversation, FormValue, MessageRef
from bot.replies import Input, InputKind

PLATFORM = "teams"
NO_TENANT = "no-tenant"  # the Bot Framework Emulator sends no tenant
THREAD_MARK = ";messageid="
_CHANNEL_LINK = re.compile(r"/l/channel/([^/?#\s]+)")
_CHANNEL_ID = re.compile(r"^19:[^\s/?#]+$")
_CORE_CHANNEL = re.compile(r"^<#([^|>]+)(?:\|[^>]*)?>$")


def split_conversation_id(conversation_id: str) -> tuple[str, str | None]:
    """`19:abc@thread.tacv2;messageid=123` -> (`19:abc@thread.tacv2`, `123`)."""
    base, mark, message_id = conversation_id.partition(THREAD_MARK)
    return base, (message_id or None) if mark else None


def tenant_of(activity: Any) -> str:
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = channel_data.get("tenant") or {}
    tenant_id = tenant.get("id") if isinstance(tenant, dict) else None
    conversation = activity.conversation
    extra = getattr(conversation, "additional_properties", None) or {}
    # botbuilder maps `tenantID`; Teams sends `tenantId`, which lands in additional_properties.
    fallback = getattr(conversation, "tenant_id", None) or extra.get("tenantId")
    return str(tenant_id or fallback or NO_TENANT)


def user_id_of(account: Any) -> str:
    """The core id of a Teams account: AAD object id when known, else the `29:` id."""
    return str(getattr(account, "aad_object_id", None) or account.id)


def _timezone(activity: Any) -> str | None:
    zone = getattr(activity, "local_timezone", None)
    if not zone:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return str(zone)


def actor_of(activity: Any) -> Actor:
    sender = activity.from_property
    return Actor(
        platform=PLATFORM,
        workspace_id=tenant_of(activity),
        user_id=user_id_of(sender),
        display_name=(sender.name or "").strip(),
        timezone=_timezone(activity),
    )


def is_personal(activity: Any) -> bool:
    return getattr(activity.conversation, "conversation_type", None) == "personal"


def conversation_of(activity: Any) -> Conversation:
    base, thread = split_conversation_id(activity.conversation.id)
    return Conversation(
        platform=PLATFORM,
        workspace_id=tenant_of(activity),
        channel_id=base,
        thread_id=thread,
        is_direct=is_personal(activity),
    )


def _mentions(activity: Any) -> list[dict[str, Any]]:
    found = []
    for entity in activity.entities or []:
        if (entity.type or "").lower() != "mention":
            continue
        extra = entity.additional_properties or {}
        mentioned = extra.get("mentioned") or {}
        if isinstance(mentioned, dict) and mentioned.get("id"):
            found.append({"text": extra.get("text"), "mentioned": mentioned})
    return found


def _safe_name(name: str) -> str:
    return " ".join(re.sub(r"[<>|]", "", name).split())


def message_text(activity: Any, known: Mapping[str, str] | None = None) -> str:
    """The typed text with the bot's own @mention removed and every other mention rewritten
    into the core spelling: people `<@USER_ID|Name>`, channels `<#CHANNEL_ID|Name>`.

    Works from the mention entities (their exact `<at>…</at>` text), replacing one occurrence
    per entity, so a name that also appears as a plain word is left alone. `known` maps `29:`
    ids to core user ids for people whose mention carries no AAD id.
    """
    text = activity.text or ""
    bot_id = getattr(activity.recipient, "id", None)
    for mention in _mentions(activity):
        mentioned = mention["mentioned"]
        name = str(mentioned.get("name") or "")
        tag = str(mention["text"] or f"<at>{name}</at>")
        if tag not in text:
            continue
        teams_id = str(mentioned["id"])
        if teams_id == bot_id:
            replacement = ""
        elif teams_id.startswith("19:"):
            replacement = f"<#{split_conversation_id(teams_id)[0]}|{_safe_name(name)}>"
        else:
            user_id = mentioned.get("aadObjectId") or (known or {}).get(teams_id) or teams_id
            replacement = f"<@{user_id}|{_safe_name(name)}>"
        text = text.replace(tag, replacement, 1)
    return text.replace("\r\n", "\n").strip()  # inner line breaks matter (pasted CSV/YAML)


def mentioned_teams_ids(activity: Any) -> set[str]:
    """`29:` ids of people mentioned without an AAD id, to resolve from stored references."""
    return {
        str(m["mentioned"]["id"])
        for m in _mentions(activity)
        if not m["mentioned"].get("aadObjectId") and str(m["mentioned"]["id"]).startswith("29:")
    }


def is_card_payload(value: Any) -> bool:
    return isinstance(value, dict) and ACTION_KEY in value


def card_event(activity: Any, payload: Mapping[str, Any]) -> Action:
    """A button or menu used on a card (Action.Submit/Execute payload). Forms are never read
    from card data: they come back through a dialog (`dialogs`), named by a server-kept token."""
    actor, conversation = actor_of(activity), conversation_of(activity)
    select_input = payload.get(SELECT_KEY)
    raw = payload.get(str(select_input)) if select_input else payload.get("value")
    card_id = getattr(activity, "reply_to_id", None)
    message = (
        MessageRef(PLATFORM, conversation.workspace_id, activity.conversation.id, str(card_id))
        if card_id
        else None
    )
    return Action(
        action_id=str(payload[ACTION_KEY]),
        value="" if raw is None else str(raw),
        actor=actor,
        conversation=conversation,
        message=message,
    )


def form_values(inputs: Iterable[Input], data: Mapping[str, Any]) -> dict[str, FormValue]:
    """The values a dialog sent for `inputs` (nothing else it sent is read)."""
    return {
        item.name: _form_value(item.kind, data[item.name]) for item in inputs if item.name in data
    }


def _form_value(kind: InputKind, raw: Any) -> FormValue:
    """Cards send every input as text: multi-selects and people split at commas, channel links
    read as ids. Every kind, checked by mypy, so a new one must say how it comes back."""
    text = "" if raw is None else str(raw)
    match kind:
        case InputKind.MULTI_SELECT | InputKind.USERS:
            return [part.strip() for part in text.split(",") if part.strip()]
        case InputKind.CHANNEL:
            return channel_id_from(text)
        case (
            InputKind.TEXT
            | InputKind.MULTILINE
            | InputKind.SELECT
            | InputKind.NUMBER
            | InputKind.DATE
            | InputKind.TIME
        ):
            return text
        case _:
            assert_never(kind)


def channel_id_from(text: str) -> str:
    """A channel typed into a form: a "Get link to channel" URL, a `19:` id or `<#id|name>`.

    Anything else is returned as typed, for the feature to refuse with its own message.
    """
    typed = text.strip()
    link = _CHANNEL_LINK.search(typed)
    if link:
        return unquote(link.group(1))
    core = _CORE_CHANNEL.match(typed)
    if core:
        return core.group(1)
    if _CHANNEL_ID.match(typed):
        return split_conversation_id(typed)[0]
    return typed
