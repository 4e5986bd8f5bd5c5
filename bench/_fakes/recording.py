"""A Messenger that records proactive posts, and a clock the test moves by hand."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.events import Conversation, MessageRef
from bot.replies import Reply


@dataclass
class Posted:
    ref: MessageRef
    reply: Reply
    conversation: Conversation | None = None
    user_id: str | None = None


@dataclass
class RecordingMessenger:
    platform: str = "local"
    posts: list[Posted] = field(default_factory=list)
    updates: list[tuple[MessageRef, Reply]] = field(default_factory=list)
    members: dict[str, set[str]] = field(default_factory=dict)  # channel id -> user ids
    membership_checks: list[tuple[str, str]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    async def post(self, conversation: Conversation, reply: Reply) -> MessageRef:
        ref = MessageRef(
            self.platform, conversation.workspace_id, conversation.channel_id, str(next(self._ids))
        )
        self.posts.append(Posted(ref, reply, conversation=conversation))
        return ref

    async def send_direct(self, workspace_id: str, user_id: str, reply: Reply) -> MessageRef:
        ref = MessageRef(self.platform, workspace_id, f"D-{user_id}", str(next(self._ids)))
        self.posts.append(Posted(ref, reply, user_id=user_id))
        return ref

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        self.updates.append((ref, reply))

    async def is_member(self, conversation: Conversation, user_id: str) -> bool:
        self.membership_checks.append((conversation.channel_id, user_id))
        return user_id in self.members.get(conversation.channel_id, set())


@dataclass
class FakeClock:
    current: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
