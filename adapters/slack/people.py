"""Who is talking: names, time zones and admin flags from `users.info`, cached briefly.

One `users.info` per person per TTL, however many events arrive at once (concurrent lookups
share one call). A failed lookup degrades to the name in the payload instead of failing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adapters.slack.workspace import ClientSource, current_workspace
from bot.events import Actor

log = logging.getLogger(__name__)

PLATFORM = "slack"


@dataclass(frozen=True)
class Profile:
    display_name: str
    timezone: str | None
    is_admin: bool
    team_id: str = ""  # the person's own workspace (another one for Slack Connect guests)
    enterprise_id: str = ""


def profile_from(user: dict[str, Any]) -> Profile:
    """Slack's user object: the display name people chose, else their real name, else handle."""
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or user.get("real_name")
        or profile.get("real_name")
        or user.get("name")
        or ""
    )
    return Profile(
        display_name=str(name),
        timezone=user.get("tz") or None,
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        team_id=str(user.get("team_id") or ""),
        enterprise_id=str((user.get("enterprise_user") or {}).get("enterprise_id") or ""),
    )


def is_foreign(profile: Profile, team_id: str) -> bool:
    """Someone from another organisation in a shared channel (Slack Connect): their admin
    flag is about their own workspace and grants nothing in this one."""
    if not profile.team_id or profile.team_id == team_id:
        return False
    workspace = current_workspace.get()
    enterprise = workspace.key.enterprise_id if workspace and workspace.key else ""
    return not (enterprise and profile.enterprise_id == enterprise)


class Directory:
    """`users.info` (with the token of the installation the request came through) and a
    per-person TTL cache."""

    def __init__(
        self,
        clients: ClientSource,
        *,
        ttl: float = 300.0,
        failure_ttl: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clients = clients
        self._ttl = ttl
        self._failure_ttl = failure_ttl
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, asyncio.Future[Profile | None]]] = {}

    async def actor(self, team_id: str, user_id: str, fallback_name: str = "") -> Actor:
        profile = await self.profile(team_id, user_id)
        if profile is None:
            return Actor(PLATFORM, team_id, user_id, fallback_name)
        return Actor(
            PLATFORM,
            team_id,
            user_id,
            profile.display_name or fallback_name,
            profile.timezone,
            profile.is_admin and not is_foreign(profile, team_id),
        )

    async def profile(self, team_id: str, user_id: str) -> Profile | None:
        key = (team_id, user_id)
        now = self._clock()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return await asyncio.shield(cached[1])
        self._forget_expired(now)
        future: asyncio.Future[Profile | None] = asyncio.ensure_future(self._lookup(user_id))
        self._cache[key] = (now + self._ttl, future)
        found = await asyncio.shield(future)
        if found is None:
            self._cache[key] = (now + self._failure_ttl, future)
        return found

    async def _lookup(self, user_id: str) -> Profile | None:
        try:
            client = await self._clients.current()
            response = await client.users_info(user=user_id)
            return profile_from(response.get("user") or {})
        except Exception as error:
            log.warning("users.info failed for %s: %s", user_id, error)
            return None

    def _forget_expired(self, now: float) -> None:
        if len(self._cache) < 10_000:
            return
        for key in [k for k, (expires, _) in self._cache.items() if expires <= now]:
            del self._cache[key]
