"""Durable fan-out: one `delivery` row per recipient, written before anything is posted.

A broadcast (insight copies, a vote's result, a digest, stand-up prompts and summaries) is
queued in the transaction that decides it, together with the claim of its batch (the
scheduler's job claims and leases), and then posted row by row; each post is recorded with
its message id as soon as it is answered.
If the replica dies half-way, its lease runs out and the resume tick on any replica takes the
batch over at the first undelivered row. Rows that were attempted but not recorded are first
looked for on the platform (the delivery key travels as Slack message metadata), so a post
whose answer was lost is recorded, not posted again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import claims
from bot.context import Context
from bot.events import Conversation, MessageRef
from bot.feature import Tick
from bot.ports import Unreachable
from bot.replies import Reply
from storage.models.deliveries import Delivery
from storage.repositories import deliveries as repo

log = logging.getLogger(__name__)

CHANNEL = "channel"
PERSON = "person"
HOME = "home"  # the person's home page (bot/homes.py), published whole
CONCURRENCY = 16  # parallel platform calls per batch; well under Slack's per-app limits
MAX_ATTEMPTS = 5
CLAIM_PREFIX = "outbox:"
CLOCK_SKEW = timedelta(minutes=5)  # searched before an attempt's recorded time
RESUME_SECONDS = 15


@dataclass(frozen=True)
class Recipient:
    platform: str
    kind: str  # CHANNEL or PERSON
    target_id: str
    thread_id: str | None = None


Render = Callable[[Context, Delivery], Awaitable[Reply | None]]
Record = Callable[[AsyncSession, Delivery, MessageRef, datetime], Awaitable[None]]


@dataclass(frozen=True)
class Topic:
    """A kind of broadcast. `render` says what a resumed batch posts now (None: nothing any
    more, e.g. retracted); `record` adds the feature's own rows in the transaction that marks
    a copy delivered."""

    name: str
    render: Render
    record: Record | None = None


_TOPICS: dict[str, Topic] = {}


def register(topic: Topic) -> Topic:
    _TOPICS[topic.name] = topic
    return topic


@dataclass
class BatchResult:
    """What one pass over a batch did (not a handler's `Outcome`, which is a reply)."""

    delivered: list[tuple[Delivery, MessageRef]] = field(default_factory=list)
    failed: list[Delivery] = field(default_factory=list)
    retry: bool = False


def key_of(batch: str, recipient: Recipient) -> str:
    """Names one post; unique, so a lookup on the platform can only find that post."""
    return f"{batch}:{recipient.kind}:{recipient.target_id}"


async def queue(
    session: AsyncSession,
    ctx: Context,
    topic: Topic,
    subject: str,
    workspace_id: str,
    recipients: Sequence[Recipient],
    *,
    claim: bool = True,
) -> str:
    """In the caller's transaction: one row per recipient, and the batch's claim, so the
    caller delivers it unless it dies first. Without `claim` the batch waits for the next
    resume tick on any replica (changes made meanwhile are published together)."""
    now = ctx.clock.now()
    batch = f"{topic.name}:{subject}:{secrets.token_hex(4)}"
    await _add(session, now, topic, subject, workspace_id, recipients, batch)
    if claim:
        await claims.claim(session, ctx, CLAIM_PREFIX + batch)
    return batch


def named_batch(topic: Topic, subject: str) -> str:
    """The batch `queue_once` files a subject under (hashed: a subject may be long)."""
    return f"{topic.name}:{hashlib.sha256(subject.encode()).hexdigest()[:32]}"


async def queue_once(
    session: AsyncSession,
    now: datetime,
    topic: Topic,
    subject: str,
    workspace_id: str,
    recipients: Sequence[Recipient],
) -> str:
    """Like `queue`, for a subject posted at most once (a day's stand-up summary): its batch
    is named after it, so queueing it again adds nothing. It takes no claim, so it can run in
    any transaction (another delivery's `record`); post it with `take`, or the resume tick
    will."""
    batch = named_batch(topic, subject)
    await _add(session, now, topic, subject, workspace_id, recipients, batch)
    return batch


async def _add(
    session: AsyncSession,
    now: datetime,
    topic: Topic,
    subject: str,
    workspace_id: str,
    recipients: Sequence[Recipient],
    batch: str,
) -> None:
    rows = [
        {
            "key": key_of(batch, r),
            "batch": batch,
            "topic": topic.name,
            "subject": subject,
            "platform": r.platform,
            "workspace_id": workspace_id,
            "target_kind": r.kind,
            "target_id": r.target_id,
            "thread_id": r.thread_id,
            "attempts": 0,
            "error": "",
            "created_at": now,
        }
        for r in {(r.platform, r.kind, r.target_id): r for r in recipients}.values()
    ]
    await repo.add(session, rows)


async def deliver(ctx: Context, batch: str, reply: Reply | None = None) -> BatchResult:
    """Posts the batch's pending rows under the claim `queue` (or `take`) took; `reply` is
    what to post, or None to render it from storage. Never raises for a failed post: those
    rows are retried by the resume tick, up to MAX_ATTEMPTS."""
    result = BatchResult()
    key = CLAIM_PREFIX + batch

    async def work() -> None:
        await _post_pending(ctx, batch, reply, result)

    await claims.run_claimed(ctx, key, work)
    if result.retry:
        await claims.release(ctx, key)
    return result


async def take(ctx: Context, batch: str, reply: Reply | None = None) -> BatchResult | None:
    """Claims and delivers the batch's pending rows; None when none are pending or another
    run holds the batch. (A batch with no rows yet is never claimed: a claim once completed
    stays completed, and would keep rows queued later from ever being posted.)"""
    async with ctx.db.transaction() as session:
        if not await repo.pending(session, batch, limit=1):
            return None
        claimed = await claims.claim(session, ctx, CLAIM_PREFIX + batch)
    return await deliver(ctx, batch, reply) if claimed else None


async def posted_copies(ctx: Context, topic: Topic) -> list[tuple[str, MessageRef]]:
    """Each copy of the topic's posts in channels and chats, with its subject: what a feature
    edits in place when what it posted has changed (a person's home page is not a copy)."""
    async with ctx.db.transaction() as session:
        rows = await repo.delivered_in_topic(session, topic.name)
    return [
        (row.subject, MessageRef(row.platform, row.workspace_id, row.channel_id, row.message_id))
        for row in rows
        if row.target_kind != HOME and row.channel_id and row.message_id
    ]


async def resume(ctx: Context, topics: Collection[str] | None = None) -> None:
    """The tick: takes over batches left undelivered by a replica that died (its lease ran
    out) or released for a retry; batches still held elsewhere are skipped. `topics` limits
    it to some kinds of broadcast (a feature retrying its own at its own tick)."""
    async with ctx.db.transaction() as session:
        batches = await repo.pending_batches(session, topics=topics)
    for batch in batches:
        result = await take(ctx, batch)
        if result is not None:
            log.info(
                "resumed delivery %s: %d posted, %d failed",
                batch,
                len(result.delivered),
                len(result.failed),
            )


def resume_tick(ctx: Context) -> Tick:
    """Often enough that a dead replica's batch resumes soon after its lease runs out; at
    start too, so what a stopped or crashed replica left behind does not wait a tick."""
    every = max(1, min(RESUME_SECONDS, ctx.settings.job_lease_seconds // 2))
    return Tick("outbox.resume", every, resume, at_start=True)


async def _post_pending(ctx: Context, batch: str, reply: Reply | None, result: BatchResult) -> None:
    async with ctx.db.transaction() as session:
        rows = await repo.pending(session, batch)
    if not rows:
        return
    topic = _TOPICS.get(rows[0].topic)
    if topic is None:
        log.error("no topic %r registered; delivery %s waits", rows[0].topic, batch)
        result.retry = True
        return
    reply = reply or await topic.render(ctx, rows[0])
    if reply is None:
        async with ctx.db.transaction() as session:
            ids = [r.id for r in rows if r.id is not None]
            await repo.mark_failed(session, ids, "withdrawn", ctx.clock.now(), final=True)
        return
    for start in range(0, len(rows), CONCURRENCY):
        chunk = rows[start : start + CONCURRENCY]
        async with ctx.db.transaction() as session:
            ids = [r.id for r in chunk if r.id is not None]
            await repo.mark_attempted(session, ids, ctx.clock.now())
        await asyncio.gather(*(_post_one(ctx, topic, row, reply, result) for row in chunk))


async def _post_one(
    ctx: Context, topic: Topic, row: Delivery, reply: Reply, result: BatchResult
) -> None:
    assert row.id is not None
    try:
        ref = await _find(ctx, row) if row.attempts and row.attempted_at else None
        if ref is None:
            ref = await _send(ctx, row, reply)
    except Exception as error:
        log.error("delivery %s failed (attempt %d): %r", row.key, row.attempts + 1, error)
        final = isinstance(error, Unreachable) or row.attempts + 1 >= MAX_ATTEMPTS
        async with ctx.db.transaction() as session:
            await repo.mark_failed(
                session, [row.id], str(error) or type(error).__name__, ctx.clock.now(), final=final
            )
        result.failed.append(row)
        result.retry = result.retry or not final
        return
    async with ctx.db.transaction() as session:
        now = ctx.clock.now()
        await repo.mark_delivered(session, row.id, ref.channel_id, ref.message_id, now)
        if topic.record is not None:
            await topic.record(session, row, ref, now)
    result.delivered.append((row, ref))


async def _send(ctx: Context, row: Delivery, reply: Reply) -> MessageRef:
    if row.target_kind == HOME:
        await ctx.messenger.publish_home(
            row.workspace_id, row.target_id, reply, platform=row.platform
        )
        return MessageRef(row.platform, row.workspace_id, row.target_id, HOME)
    if row.target_kind == PERSON:
        return await ctx.messenger.send_direct(
            row.workspace_id, row.target_id, reply, platform=row.platform, tag=row.key
        )
    return await ctx.messenger.post(_conversation(row), reply, tag=row.key)


async def _find(ctx: Context, row: Delivery) -> MessageRef | None:
    """The post an earlier attempt made but never recorded, if the platform can tell. A
    failed search means posting again: a possible duplicate beats a certain loss."""
    assert row.attempted_at is not None
    if row.target_kind == HOME:
        return None  # a page is replaced whole: publishing it again is harmless
    since = row.attempted_at - CLOCK_SKEW
    try:
        if row.target_kind == PERSON:
            return await ctx.messenger.find_direct_tagged(
                row.workspace_id, row.target_id, row.key, since, platform=row.platform
            )
        return await ctx.messenger.find_tagged(_conversation(row), row.key, since)
    except Exception as error:
        log.warning("could not look for an earlier post of %s: %r", row.key, error)
        return None


def _conversation(row: Delivery) -> Conversation:
    return Conversation(row.platform, row.workspace_id, row.target_id, row.thread_id)
