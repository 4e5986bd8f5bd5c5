"""Read-mostly data kept in this process, per workspace, for as long as the workspace's stamp
is the one it was read under. A write on any replica changes the stamp in its own transaction,
so the next reader anywhere sees a different stamp and reads afresh: no time-to-live, no
staleness, one cheap read of the stamp per use."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar, cast

T = TypeVar("T")

MAX_WORKSPACES = 1_000
MAX_ENTRIES = 1_000  # per workspace: a team per channel asked in, a matrix per team


class StampedCache:
    def __init__(self) -> None:
        self._workspaces: OrderedDict[str, tuple[int, dict[Hashable, object]]] = OrderedDict()
        self._reading: dict[Hashable, asyncio.Future[object]] = {}

    async def read_once(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        """Runs `read` once for all callers asking for `key` while it runs: after a change,
        a burst of lookups waits for one fresh read instead of each making its own."""
        reading = self._reading.get(key)
        if reading is None:
            started: asyncio.Future[T] = asyncio.ensure_future(read())
            self._reading[key] = cast("asyncio.Future[object]", started)
            started.add_done_callback(lambda _: self._reading.pop(key, None))
            return await asyncio.shield(started)
        return cast(T, await asyncio.shield(reading))

    def get(self, workspace_id: str, stamp: int | None, key: Hashable) -> object | None:
        """What was stored under `key` for the workspace at this stamp, else None."""
        held = self._workspaces.get(workspace_id)
        if stamp is None or held is None or held[0] != stamp:
            return None
        self._workspaces.move_to_end(workspace_id)
        return held[1].get(key)

    def put(self, workspace_id: str, stamp: int | None, key: Hashable, value: object) -> None:
        """Keeps `value`, read after the stamp was; values from an older stamp are dropped.
        Without a stamp nothing is kept: nothing would tell when it goes stale."""
        if stamp is None:
            return
        held = self._workspaces.get(workspace_id)
        if held is None or held[0] != stamp or len(held[1]) >= MAX_ENTRIES:
            held = (stamp, {})
            self._workspaces[workspace_id] = held
            self._workspaces.move_to_end(workspace_id)
            while len(self._workspaces) > MAX_WORKSPACES:
                self._workspaces.popitem(last=False)
        held[1][key] = value
