"""What the core needs from the outside world. Adapters implement these; tests record them."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Protocol, TypeVar, runtime_checkable

from bot.events import Conversation, MessageRef
from bot.replies import Outcome, Reply

log = logging.getLogger(__name__)
MEMBERSHIP_TIMEOUT = 10.0  # seconds a membership question may take before the answer is "no"

Where = TypeVar("Where", contravariant=True)
Surface = TypeVar("Surface", contravariant=True)
Answer = TypeVar("Answer", covariant=True)


class Renderer(Protocol[Where, Surface, Answer]):
    """The one place an adapter turns the core's answer to an event into platform calls.
    `where` is the turn being answered (the platform's own handles: a Teams turn, a Slack
    trigger and response_url); `surface` what kind of turn it was, since a platform answers a
    message, a button and a form submission differently; the result is what the platform's
    request itself must return (an invoke or ack body), or None. Adding a platform means a
    translator (payloads into core events) and one of these."""

    async def render(self, outcome: Outcome, where: Where, surface: Surface) -> Answer: ...


class Messenger(Protocol):
    """Proactive output: posts not made in direct answer to an event (jobs, broadcasts)."""

    async def post(self, conversation: Conversation, reply: Reply) -> MessageRef: ...

    async def send_direct(self, workspace_id: str, user_id: str, reply: Reply) -> MessageRef: ...

    async def update(self, ref: MessageRef, reply: Reply) -> None: ...


@runtime_checkable
class Membership(Protocol):
    """Optional for a messenger: whether someone is in a conversation, asked of the platform
    (read scoping: a vote's results go to its channel's members)."""

    async def is_member(self, conversation: Conversation, user_id: str) -> bool: ...


@runtime_checkable
class RecognisesPosts(Protocol):
    """Optional for a messenger: tags a post with a delivery key the platform keeps (Slack
    message metadata) and finds it again, so a retry after "posted, but the answer was lost"
    does not post twice."""

    async def post_tagged(
        self, conversation: Conversation, reply: Reply, tag: str
    ) -> MessageRef: ...

    async def send_direct_tagged(
        self, workspace_id: str, user_id: str, reply: Reply, tag: str
    ) -> MessageRef: ...

    async def find_tagged(
        self, conversation: Conversation, tag: str, since: datetime
    ) -> MessageRef | None: ...

    async def find_direct_tagged(
        self, workspace_id: str, user_id: str, tag: str, since: datetime
    ) -> MessageRef | None: ...


@runtime_checkable
class HomePages(Protocol):
    """Optional for a messenger: a personal page the platform shows each person (Slack's
    App Home), replaced as a whole each time it is published."""

    async def publish_home(self, workspace_id: str, user_id: str, page: Reply) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class NoRouteError(LookupError):
    """No messenger is connected for the platform a conversation lives on."""


class Unreachable(LookupError):
    """The workspace removed the app (uninstalled, tokens revoked): nothing can be posted
    there any more, so retrying is pointless."""


class MessengerHub:
    """Routes proactive output to the messenger of the conversation's platform."""

    def __init__(self) -> None:
        self._by_platform: dict[str, Messenger] = {}

    def connect(self, platform: str, messenger: Messenger) -> None:
        self._by_platform[platform] = messenger

    def _for(self, platform: str) -> Messenger:
        try:
            return self._by_platform[platform]
        except KeyError:
            raise NoRouteError(f"no messenger connected for platform {platform!r}") from None

    async def post(
        self, conversation: Conversation, reply: Reply, *, tag: str | None = None
    ) -> MessageRef:
        """Posts `reply`; `tag` is attached where the platform can find it again later."""
        messenger = self._for(conversation.platform)
        if tag is not None and isinstance(messenger, RecognisesPosts):
            return await messenger.post_tagged(conversation, reply, tag)
        return await messenger.post(conversation, reply)

    async def send_direct(
        self,
        workspace_id: str,
        user_id: str,
        reply: Reply,
        *,
        platform: str,
        tag: str | None = None,
    ) -> MessageRef:
        messenger = self._for(platform)
        if tag is not None and isinstance(messenger, RecognisesPosts):
            return await messenger.send_direct_tagged(workspace_id, user_id, reply, tag)
        return await messenger.send_direct(workspace_id, user_id, reply)

    async def find_tagged(
        self, conversation: Conversation, tag: str, since: datetime
    ) -> MessageRef | None:
        """The post tagged `tag` since `since`, when the platform can tell; else None."""
        messenger = self._for(conversation.platform)
        if not isinstance(messenger, RecognisesPosts):
            return None
        return await messenger.find_tagged(conversation, tag, since)

    async def find_direct_tagged(
        self, workspace_id: str, user_id: str, tag: str, since: datetime, *, platform: str
    ) -> MessageRef | None:
        messenger = self._for(platform)
        if not isinstance(messenger, RecognisesPosts):
            return None
        return await messenger.find_direct_tagged(workspace_id, user_id, tag, since)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        await self._for(ref.platform).update(ref, reply)

    def has_home(self, platform: str) -> bool:
        return isinstance(self._by_platform.get(platform), HomePages)

    async def publish_home(
        self, workspace_id: str, user_id: str, page: Reply, *, platform: str
    ) -> None:
        messenger = self._for(platform)
        if not isinstance(messenger, HomePages):
            raise NoRouteError(f"platform {platform!r} has no home page")
        await messenger.publish_home(workspace_id, user_id, page)

    async def is_member(self, conversation: Conversation, user_id: str) -> bool:
        """True only when the platform says so; no messenger, no answer in time or an error
        all mean "no", so a platform hiccup never widens what someone may read."""
        messenger = self._by_platform.get(conversation.platform)
        if not isinstance(messenger, Membership):
            return False
        try:
            async with asyncio.timeout(MEMBERSHIP_TIMEOUT):
                return await messenger.is_member(conversation, user_id)
        except Exception as error:
            log.warning(
                "could not check membership of %s in %s: %s",
                user_id,
                conversation.channel_id,
                type(error).__name__,
            )
            return False
