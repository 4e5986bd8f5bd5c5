"""Sending cards through the Bot Connector: new posts, thread replies, updates, new 1:1 chats.

Every call goes through `with_retries`, so a throttled (429) or briefly unavailable (503)
connector delays a message instead of losing it. Every activity passes `_sendable` first:
this is the one place Teams' size limit is enforced (see `adapters.teams.limits`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
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

from adapters.teams.cards import CONTENT_TYPE, notice_card
from adapters.teams.limits import MAX_UTF8, refused_as_too_big, weight
from adapters.teams.retry import RetryPolicy, with_retries
from bot.metrics import Metrics

log = logging.getLogger(__name__)
TOO_BIG = (
    "This answer is too big for one Teams message ({size} KB; Teams takes {limit} KB), so I "
    "could not show it here. Ask for a smaller part, e.g. one vote or one team at a time."
)


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
class RetryingConnector:
    """One connector client (one service URL): retries around each call, Teams' size limit on
    each activity. (Durable sending is the core's outbox, `bot.deliveries`.)"""

    client: Any
    policy: RetryPolicy
    metrics: Metrics

    @classmethod
    def of(cls, turn: TurnContext, policy: RetryPolicy, metrics: Metrics) -> RetryingConnector:
        return cls(turn.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY], policy, metrics)

    async def post(self, conversation_id: str, activity: Activity) -> str:
        conversations = self.client.conversations
        response = await self._send(
            activity,
            lambda sent: conversations.send_to_conversation(conversation_id, sent),
            what="post",
        )
        return str(getattr(response, "id", "") or "")

    async def reply(self, conversation_id: str, reply_to_id: str, activity: Activity) -> str:
        activity.reply_to_id = reply_to_id
        conversations = self.client.conversations
        response = await self._send(
            activity,
            lambda sent: conversations.reply_to_activity(conversation_id, reply_to_id, sent),
            what="reply",
        )
        return str(getattr(response, "id", "") or "")

    async def update(self, conversation_id: str, activity_id: str, activity: Activity) -> None:
        activity.id = activity_id
        conversations = self.client.conversations
        await self._send(
            activity,
            lambda sent: conversations.update_activity(conversation_id, activity_id, sent),
            what="update",
        )

    async def _send(
        self, activity: Activity, call: Callable[[Activity], Awaitable[Any]], *, what: str
    ) -> Any:
        """Sends within Teams' limit; an activity that is (or is refused as) too big is replaced
        by a short notice in the same place, so the person learns what happened."""
        sendable = _sendable(activity)
        try:
            return await with_retries(
                lambda: call(sendable), self.policy, what=what, metrics=self.metrics
            )
        except Exception as error:
            if not refused_as_too_big(error) or sendable is not activity:
                raise
            log.error("Teams refused a %s as too big (%d bytes)", what, _weight(activity))
            notice = _notice(activity, _weight(activity))
            return await with_retries(
                lambda: call(notice), self.policy, what=what, metrics=self.metrics
            )

    async def open_direct(self, parameters: ConversationParameters) -> str:
        """Creates (or finds: the connector answers the same id again) a 1:1 conversation."""
        conversations = self.client.conversations
        response = await with_retries(
            lambda: conversations.create_conversation(parameters),
            self.policy,
            what="create conversation",
            metrics=self.metrics,
        )
        return str(response.id)


def _weight(activity: Activity) -> int:
    return weight(activity.serialize())


def _sendable(activity: Activity) -> Activity:
    """The activity itself when it fits Teams' limit, else the notice saying it did not."""
    size = _weight(activity)
    if size <= MAX_UTF8:
        return activity
    log.error("a Teams activity of %d bytes is over the limit; sending a notice instead", size)
    return _notice(activity, size)


def _notice(activity: Activity, size: int) -> Activity:
    """The same activity (address, reply, id), its card replaced by the too-big notice."""
    notice = copy(activity)
    text = TOO_BIG.format(size=-(-size // 1000), limit=MAX_UTF8 // 1000)
    notice.summary = text[:200]
    notice.attachments = [Attachment(content_type=CONTENT_TYPE, content=notice_card(text))]
    return notice
