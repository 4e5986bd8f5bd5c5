"""Who is in a Slack conversation: `conversations.members`, every page, cached briefly.

Read scoping asks this when someone reads a vote from outside its channel. Concurrent
questions about one channel share one walk through its pages; an answer is kept for a minute
(a person who just left may read for that long); a failed walk is never cached as "member".
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from adapters.slack.workspace import ClientSource, current_workspace

log = logging.getLogger(__name__)

PAGE_SIZE = 200  # Slack recommends no more than 200 per page
MAX_PAGES = 100  # 20,000 members: a bound on one walk, whatever the channel
WALK_TIMEOUT = 8.0  # seconds for all pages together


class ChannelMembers:
    def __init__(
        self,
        clients: ClientSource,
        *,
        ttl: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clients = clients
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, asyncio.Future[frozenset[str]]]] = {}

    async def contains(self, channel_id: str, user_id: str) -> bool:
        return user_id in await self.of(channel_id)

    async def of(self, channel_id: str) -> frozenset[str]:
        workspace = current_workspace.get()
        key = f"{workspace.team_id if workspace else ''}:{channel_id}"
        now = self._clock()
        cached = self._cache.get(key)
        if cached is None or cached[0] <= now:
            self._forget_expired(now)
            future = asyncio.ensure_future(self._walk(channel_id))
            cached = (now + self._ttl, future)
            self._cache[key] = cached
        try:
            return await asyncio.shield(cached[1])
        except Exception:
            if self._cache.get(key) is cached:
                del self._cache[key]
            raise

    async def _walk(self, channel_id: str) -> frozenset[str]:
        members: set[str] = set()
        cursor: str | None = None
        client = await self._clients.current()
        try:
            async with asyncio.timeout(WALK_TIMEOUT):
                for _ in range(MAX_PAGES):
                    page = await client.conversations_members(
                        channel=channel_id, limit=PAGE_SIZE, cursor=cursor
                    )
                    members.update(str(m) for m in page.get("members") or [])
                    cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                    if not cursor:
                        break
        except SlackApiError as error:
            if error.response.get("error") in {"channel_not_found", "not_in_channel"}:
                return frozenset()  # nothing the bot may see, so nobody is shown to be in it
            raise
        return frozenset(members)

    def _forget_expired(self, now: float) -> None:
        if len(self._cache) < 1_000:
            return
        for key in [k for k, (expires, _) in self._cache.items() if expires <= now]:
            del self._cache[key]
