"""The durable inbox: work answered after the acknowledgement is stored before the ack goes out.

An adapter `admit`s each delivery under its de-duplication key (one short transaction), acks,
and hands the admitted row to `start`. The row is leased to this replica; the lease is renewed
while the work runs and handed back at shutdown. Rows nobody holds (a replica died, or shut
down before finishing) are taken on start and on every sweep, by whichever replica looks first,
and run again through the processor their platform registered. A redelivery of a finished or
held key is dropped; of an abandoned one, taken over at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from bot.ports import Clock, SystemClock
from storage.db import Database
from storage.models.inbound import InboxItem
from storage.repositories import inbox as rows

log = logging.getLogger(__name__)

Processor = Callable[[InboxItem], Awaitable[None]]
RETENTION = timedelta(days=1)  # far beyond Slack's and Bot Framework's retry windows
RECOVER_BATCH = 100


def payload_of(item: InboxItem) -> dict[str, Any]:
    """The stored request body of a replayable row."""
    body = json.loads(item.payload or "{}")
    return body if isinstance(body, dict) else {}


@dataclass(slots=True)
class Admitted:
    """A delivery stored (or taken over) for this replica, as the row's plain values: admitting
    runs before every acknowledgement, so the row model is only built by the work after it."""

    values: dict[str, Any]
    done: bool = False  # answered before the ack already: nothing left to mark

    @property
    def key(self) -> str:
        return str(self.values["key"])

    def item(self) -> InboxItem:
        return InboxItem(**self.values)


class Inbox:
    """One per process. Leases use the wall clock: they are about processes, not the bot's time."""

    def __init__(self, db: Database, lease_seconds: float, clock: Clock | None = None) -> None:
        self.db = db
        self.lease = timedelta(seconds=lease_seconds)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.closed = False  # set at shutdown: endpoints answer 503 from then on
        self._clock = clock or SystemClock()
        self._processors: dict[str, Processor] = {}
        self._running: dict[str, asyncio.Task[None]] = {}
        self._sweeper: asyncio.Task[None] | None = None

    def register(self, platform: str, processor: Processor) -> None:
        """How `platform`'s stored deliveries are answered (translate, handle, render)."""
        self._processors[platform] = processor

    async def admit(
        self, key: str, platform: str, kind: str, payload: Mapping[str, Any] | None = None
    ) -> Admitted | None:
        """Stores the delivery leased to this replica; None for a redelivery someone has."""
        now = self._clock.now()
        values = {
            "key": key[:255],
            "platform": platform,
            "kind": kind,
            "payload": None if payload is None else json.dumps(payload),
            "received_at": now,
            "owner": self.owner,
            "lease_until": now + self.lease,
            "attempts": 1,
            "done_at": None,
        }
        async with self.db.connection() as connection:
            stored = await rows.admit(connection, values)
        return None if stored is None else Admitted(stored)

    async def finish(self, key: str) -> None:
        async with self.db.connection() as connection:
            await rows.finish(connection, key, self._clock.now())

    def start(self, admitted: Admitted, work: Awaitable[None] | None = None) -> None:
        """Runs `work` (default: the platform's processor) and marks the row done after it."""
        key = admitted.key
        if key in self._running:
            return
        task = asyncio.ensure_future(self._run(admitted, work))
        self._running[key] = task
        task.add_done_callback(partial(self._forget, key))

    def _forget(self, key: str, _task: asyncio.Task[None]) -> None:
        self._running.pop(key, None)

    async def _run(self, admitted: Admitted, work: Awaitable[None] | None) -> None:
        try:
            if work is None:
                item = admitted.item()
                work = self._processors[item.platform](item)
            await work
        except Exception:
            log.exception("inbox work %s failed; it is retried after its lease", admitted.key)
            return
        if not admitted.done:
            await self.finish(admitted.key)

    async def wait_idle(self) -> None:
        """Waits for work in flight (shutdown, tests)."""
        while self._running:
            await asyncio.wait(list(self._running.values()))

    # Recovery --------------------------------------------------------------------------------

    async def recover(self) -> int:
        """Takes unfinished rows nobody holds and starts them; the count taken."""
        if self.closed:
            return 0
        async with self.db.transaction() as session:
            taken = await rows.take_abandoned(
                session,
                self.owner,
                self._clock.now(),
                self.lease,
                RECOVER_BATCH,
            )
        for item in taken:
            if item.platform in self._processors:
                log.info("inbox: resuming %s (attempt %d)", item.key, item.attempts)
                self.start(Admitted(item.model_dump()))
            else:
                log.warning("inbox: no %s adapter here for %s", item.platform, item.key)
        return len(taken)

    async def run(self) -> None:
        """Resumes what was left (before the endpoints open), then keeps sweeping: renew this
        replica's leases, take abandoned rows, prune old ones."""
        await self._sweep()
        if self._sweeper is None:
            self._sweeper = asyncio.ensure_future(self._sweep_forever())

    async def _sweep_forever(self) -> None:
        every = max(0.5, self.lease.total_seconds() / 3)
        while True:
            await asyncio.sleep(every)
            await self._sweep()

    async def _sweep(self) -> None:
        try:
            await self._renew()
            while await self.recover() == RECOVER_BATCH:
                pass
            await self.prune()
        except Exception:
            log.exception("inbox sweep failed; trying again later")

    async def prune(self, now: datetime | None = None) -> int:
        """Forgets deliveries older than RETENTION and expired pending forms; the count."""
        now = now or self._clock.now()
        async with self.db.transaction() as session:
            return await rows.prune(session, now - RETENTION, now)

    async def _renew(self) -> None:
        if self._running:
            async with self.db.transaction() as session:
                until = self._clock.now() + self.lease
                await rows.renew(session, list(self._running), self.owner, until)

    # Shutdown --------------------------------------------------------------------------------

    async def drain(self, grace: float) -> None:
        """Stops taking work, lets work in flight finish for up to `grace` seconds, and hands
        back what is left so the next replica to look (or this one's next start) resumes it."""
        self.closed = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        try:
            async with asyncio.timeout(grace):
                await self.wait_idle()
        except TimeoutError:
            pass
        left = list(self._running)
        for task in list(self._running.values()):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._running.values(), return_exceptions=True)
        if left:
            log.warning(
                "inbox: %d deliveries unfinished at shutdown; left for a restart", len(left)
            )
            async with self.db.transaction() as session:
                await rows.release(session, left, self.owner, self._clock.now())
