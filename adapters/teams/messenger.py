"""Proactive Teams output for jobs: post to channels, message people, update posted cards.

Every target needs a stored conversation reference (see `storage.repositories.teams_refs`):
Teams only lets a bot speak where it was installed, and only via the service URL it was told.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from copy import copy
from dataclasses import dataclass, field

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ChannelAccount, ConversationParameters, ConversationReference

from adapters.teams.cards import reply_cards, single_card
from adapters.teams.connector import (
    RetryingConnector,
    addressed,
    card_activity,
    reference_from_json,
    reference_to_json,
)
from adapters.teams.inbound import PLATFORM, THREAD_MARK, split_conversation_id
from adapters.teams.retry import RetryPolicy, status_of, with_retries
from bot.events import Conversation, MessageRef
from bot.metrics import Metrics
from bot.ports import Clock, NoRouteError
from bot.replies import Reply
from storage.db import Database
from storage.models.teams_refs import TeamsReference
from storage.reader import SideReader
from storage.repositories import teams_refs

log = logging.getLogger(__name__)
MEMBERSHIP_TTL = 60.0  # seconds a membership answer is reused (someone who left reads that long)


@dataclass
class TeamsMessenger:
    """`bot.ports.Messenger` for Teams.

    `MessageRef.channel_id` is the exact conversation id the card was posted in (with its
    `;messageid=` suffix for a thread reply), which is what `update_activity` needs.
    """

    adapter: CloudAdapter
    db: Database
    clock: Clock
    app_id: str | None
    policy: RetryPolicy
    metrics: Metrics
    _writes: set[asyncio.Task[None]] = field(default_factory=set)
    _memberships: dict[tuple[str, str, str], tuple[float, bool]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Reference lookups while a feature's transaction may be open (see storage.reader).
        self._reader = SideReader(self.db)

    async def settle(self) -> None:
        """Waits until newly opened 1:1 chats are stored (see `_in_background`)."""
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

    async def close(self) -> None:
        await self.settle()
        await self._reader.dispose()

    async def post(self, conversation: Conversation, reply: Reply) -> MessageRef:
        row = await self._conversation_row(conversation.workspace_id, conversation.channel_id)
        target = row.conversation_id
        if conversation.thread_id:
            target = f"{target}{THREAD_MARK}{conversation.thread_id}"
        reference = reference_from_json(row.reference)
        activities = [card_activity(card, reply.fallback) for card in reply_cards(reply)]

        async def post(connector: RetryingConnector) -> str:
            ids = [
                await connector.post(target, addressed(activity, reference, target))
                for activity in activities
            ]
            return ids[0]

        message_id = await self._run(reference, post)
        return MessageRef(PLATFORM, conversation.workspace_id, target, message_id)

    async def send_direct(self, workspace_id: str, user_id: str, reply: Reply) -> MessageRef:
        async with self._reader.session() as session:
            personal = await teams_refs.for_person(
                session, workspace_id, user_id, teams_refs.PERSONAL
            )
        if personal is not None:
            direct = Conversation(PLATFORM, workspace_id, personal.conversation_id, is_direct=True)
            return await self.post(direct, reply)
        return await self._open_and_send(workspace_id, user_id, reply)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        base, _ = split_conversation_id(ref.channel_id)
        row = await self._conversation_row(ref.workspace_id, base)
        reference = reference_from_json(row.reference)
        activity = card_activity(single_card(reply), reply.fallback)

        async def update(connector: RetryingConnector) -> str:
            target = addressed(activity, reference, ref.channel_id)
            await connector.update(ref.channel_id, ref.message_id, target)
            return ref.message_id

        await self._run(reference, update)

    async def is_member(self, conversation: Conversation, user_id: str) -> bool:
        """Asks the connector for this member of the conversation (Teams answers 404 for anyone
        not in it); answers are kept for a minute."""
        base, _ = split_conversation_id(conversation.channel_id)
        key = (conversation.workspace_id, base, user_id)
        now = time.monotonic()
        cached = self._memberships.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        row = await self._conversation_row(conversation.workspace_id, base)
        found: list[bool] = []

        async def lookup(turn: TurnContext) -> None:
            conversations = RetryingConnector.of(
                turn, self.policy, self.metrics
            ).client.conversations
            try:
                await with_retries(
                    lambda: conversations.get_conversation_member(base, user_id),
                    self.policy,
                    what="member lookup",
                    metrics=self.metrics,
                )
                found.append(True)
            except Exception as error:
                if status_of(error) != 404:
                    raise
                found.append(False)

        await self.adapter.continue_conversation(
            reference_from_json(row.reference), lookup, self.app_id
        )
        if len(self._memberships) > 10_000:
            self._memberships.clear()
        self._memberships[key] = (now + MEMBERSHIP_TTL, found[0])
        return found[0]

    async def _open_and_send(self, workspace_id: str, user_id: str, reply: Reply) -> MessageRef:
        """No 1:1 chat yet: open one through the connector, from the person's (or any) reference
        in their tenant, send the card, and remember the new chat for next time."""
        async with self._reader.session() as session:
            member = await teams_refs.for_person(session, workspace_id, user_id, teams_refs.MEMBER)
            row = member or await teams_refs.any_in_workspace(session, workspace_id)
        if row is None:
            raise NoRouteError(
                f"alignbot has not been installed anywhere in Teams tenant {workspace_id!r} yet, "
                "so it cannot message people there"
            )
        reference = reference_from_json(row.reference)
        teams_user_id = member.teams_user_id if member and member.teams_user_id else user_id
        parameters = ConversationParameters(
            is_group=False,
            bot=reference.bot,
            members=[ChannelAccount(id=teams_user_id)],
            tenant_id=workspace_id,
            channel_data={"tenant": {"id": workspace_id}},
        )
        activities = [card_activity(card, reply.fallback) for card in reply_cards(reply)]
        opened: dict[str, str] = {}

        async def open_and_send(connector: RetryingConnector) -> str:
            conversation_id = await connector.open_direct(parameters)
            opened["id"] = conversation_id
            direct = _direct_reference(reference, conversation_id, teams_user_id)
            ids = [
                await connector.post(conversation_id, addressed(activity, direct))
                for activity in activities
            ]
            return ids[0]

        message_id = await self._run(reference, open_and_send)
        direct = _direct_reference(reference, opened["id"], teams_user_id)
        self._in_background(self._remember_direct(workspace_id, user_id, teams_user_id, direct))
        return MessageRef(PLATFORM, workspace_id, opened["id"], message_id)

    def _in_background(self, write: Awaitable[None]) -> None:
        """Runs a write after the caller's transaction (which may hold SQLite's lock) ends."""

        async def run() -> None:
            try:
                await write
            except Exception:
                log.exception("could not remember a new Teams 1:1 chat; it is reopened next time")

        task = asyncio.get_running_loop().create_task(run())
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _remember_direct(
        self, workspace_id: str, user_id: str, teams_user_id: str, reference: ConversationReference
    ) -> None:
        seen = teams_refs.Seen(
            workspace_id=workspace_id,
            kind=teams_refs.PERSONAL,
            subject_id=user_id,
            conversation_id=reference.conversation.id,
            service_url=reference.service_url,
            reference=reference_to_json(reference),
            user_id=user_id,
            teams_user_id=teams_user_id,
        )
        async with self.db.transaction() as session:
            await teams_refs.remember(session, seen, self.clock.now())

    async def _conversation_row(self, workspace_id: str, conversation_id: str) -> TeamsReference:
        base, _ = split_conversation_id(conversation_id)
        async with self._reader.session() as session:
            row = await teams_refs.for_conversation(session, workspace_id, base)
        if row is None:
            raise NoRouteError(
                f"alignbot has no Teams reference for conversation {base!r}: it must be "
                "installed there (or spoken to there) before it can post"
            )
        return row

    async def _run(
        self, reference: ConversationReference, work: Callable[[RetryingConnector], Awaitable[str]]
    ) -> str:
        """Runs `work` in a proactive turn (botbuilder's continue_conversation)."""
        result: dict[str, str] = {}

        async def callback(turn: TurnContext) -> None:
            result["id"] = await work(RetryingConnector.of(turn, self.policy, self.metrics))

        await self.adapter.continue_conversation(reference, callback, self.app_id)
        return result["id"]


def _direct_reference(
    reference: ConversationReference, conversation_id: str, teams_user_id: str
) -> ConversationReference:
    direct = copy(reference)
    direct.activity_id = None
    direct.conversation = copy(reference.conversation)
    direct.conversation.id = conversation_id
    direct.conversation.conversation_type = "personal"
    direct.conversation.is_group = False
    direct.user = ChannelAccount(id=teams_user_id)
    return direct
