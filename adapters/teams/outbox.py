"""Sending cards through the Bot Connector: new posts, thread replies, updates, new 1:1 chats.

Every call goes through `with_retries`, so a throttled (429) or briefly unavailable (503)
connector delays a message instead of losing it.
"""

from __future__ import annotations

import json
from copy import copy
from dataclasses import dataclass
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ConversationParameters,
    ConversationReference,
)

from adapters.teams.cards import CONTENT_TYPE
from adapters.teams.retry import RetryPolicy, with_retries


def card_activity(card: dict[str, Any], summary: str) -> Activity:
    """A message carrying one Adaptive Card; `summary` is the notification / preview line."""
    return Activity(
        type=ActivityTypes.message,
        summary=summary[:200],
        attachments=[Attachment(content_type=CONTENT_TYPE, content=card)],
    )


def addressed(
    activity: Activity, reference: ConversationReference, conversation_id: str | None = None
) -> Activity:
    """The activity addressed like a reply in `reference`'s conversation (bot as sender)."""
    target = copy(reference)
    target.activity_id = None
    if conversation_id is not None:
        target.conversation = copy(reference.conversation)
        target.conversation.id = conversation_id
    return TurnContext.apply_conversation_reference(copy(activity), target)


def reference_to_json(reference: ConversationReference) -> str:
    return json.dumps(reference.serialize(), sort_keys=True)


def reference_from_json(raw: str) -> ConversationReference:
    return ConversationReference().deserialize(json.loads(raw))


@dataclass
class Outbox:
    """One connector client (one service URL) with retries around each call."""

    connector: Any
    policy: RetryPolicy

    @classmethod
    def of(cls, turn: TurnContext, policy: RetryPolicy) -> Outbox:
        return cls(turn.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY], policy)

    async def post(self, conversation_id: str, activity: Activity) -> str:
        conversations = self.connector.conversations
        response = await with_retries(
            lambda: conversations.send_to_conversation(conversation_id, activity),
            self.policy,
            what="post",
        )
        return str(getattr(response, "id", "") or "")

    async def reply(self, conversation_id: str, reply_to_id: str, activity: Activity) -> str:
        activity.reply_to_id = reply_to_id
        conversations = self.connector.conversations
        response = await with_retries(
            lambda: conversations.reply_to_activity(conversation_id, reply_to_id, activity),
            self.policy,
            what="reply",
        )
        return str(getattr(response, "id", "") or "")

    async def update(self, conversation_id: str, activity_id: str, activity: Activity) -> None:
        activity.id = activity_id
        conversations = self.connector.conversations
        await with_retries(
            lambda: conversations.update_activity(conversation_id, activity_id, activity),
            self.policy,
            what="update",
        )

    async def open_direct(self, parameters: ConversationParameters) -> str:
        """Creates (or finds: the connector answers the same id again) a 1:1 conversation."""
        conversations = self.connector.conversations
        response = await with_retries(
            lambda: conversations.create_conversation(parameters),
            self.policy,
            what="create conversation",
        )
        return str(response.id)
