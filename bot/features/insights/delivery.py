"""Posting insight copies (through the outbox) and updating them in place, so one failing
place never stops others.

Network calls happen outside database transactions: a slow platform never holds a write lock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import deliveries, homes
from bot.context import Context
from bot.events import MessageRef
from bot.features.insights.matching import Target, TargetKind
from bot.replies import Reply
from storage.models.deliveries import Delivery
from storage.models.insights import Insight, InsightDelivery
from storage.repositories import insights as repo

log = logging.getLogger(__name__)

CONCURRENCY = 16  # parallel platform calls per broadcast; well under Slack's per-app limits


@dataclass
class Delivered:
    """What happened to one broadcast or refresh, for the author's confirmation."""

    channels: int = 0
    people: int = 0
    updated: int = 0
    failed: list[str] = field(default_factory=list)

    def count(self, target: Target) -> None:
        if target.kind is TargetKind.CHANNEL:
            self.channels += 1
        else:
            self.people += 1


def target_label(target: Target) -> str:
    if target.kind is TargetKind.CHANNEL:
        return f"#{target.name or target.target_id}"
    return f"@{target.name or target.target_id}"


async def _bounded(calls: Sequence[Callable[[], Awaitable[None]]]) -> None:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def run(call: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await call()

    await asyncio.gather(*(run(call) for call in calls))


async def _render(ctx: Context, row: Delivery) -> Reply | None:
    """A resumed broadcast posts the card as it reads now; a retracted insight, nothing."""
    from bot.features.insights.sync import current_card

    async with ctx.db.transaction() as session:
        insight = await repo.find(session, row.workspace_id, int(row.subject))
    if insight is None or insight.retracted_at is not None:
        return None
    _, card = await current_card(ctx, row.workspace_id, int(row.subject))
    return card


async def _record(session: AsyncSession, row: Delivery, ref: MessageRef, now: datetime) -> None:
    """The copy joins the insight's copies in the transaction that marks it delivered, so
    edits, tallies and retractions reach it."""
    await repo.record_delivery(
        session,
        int(row.subject),
        row.workspace_id,
        platform=ref.platform,
        kind=row.target_kind,
        target_id=row.target_id,
        channel_id=ref.channel_id,
        message_id=ref.message_id,
        now=now,
    )


COPY = deliveries.register(deliveries.Topic("insight", _render, _record))


async def queue_copies(
    session: AsyncSession, ctx: Context, insight: Insight, targets: Sequence[Target]
) -> str:
    """In the transaction that stores the insight (or its edit): one delivery row per target."""
    recipients = [deliveries.Recipient(t.platform, t.kind.value, t.target_id) for t in targets]
    batch = await deliveries.queue(
        session, ctx, COPY, str(insight.id), insight.workspace_id, recipients
    )
    # Their home pages list it as waiting for an answer once their copy is posted (the
    # page is published after this batch, at the outbox's next resume tick).
    for person in (t for t in targets if t.kind is TargetKind.PERSON):
        await homes.mark_stale(
            session, ctx, person.platform, insight.workspace_id, [person.target_id]
        )
    return batch


async def post_copies(
    ctx: Context, batch: str, targets: Sequence[Target], card: Reply, outcome: Delivered
) -> None:
    """Posts the queued copies; failures are logged, counted and retried by the outbox."""
    named = {(t.kind.value, t.target_id): t for t in targets}
    done = await deliveries.deliver(ctx, batch, card)
    for row, _ in done.delivered:
        outcome.count(_target(row, named))
    outcome.failed.extend(target_label(_target(row, named)) for row in done.failed)


def _target(row: Delivery, named: dict[tuple[str, str], Target]) -> Target:
    found = named.get((row.target_kind, row.target_id))
    return found or Target(row.platform, TargetKind(row.target_kind), row.target_id)


def ref_of(delivery: InsightDelivery) -> MessageRef:
    return MessageRef(
        delivery.platform, delivery.workspace_id, delivery.channel_id, delivery.message_id
    )


async def update_copies(
    ctx: Context, copies: Sequence[InsightDelivery], card: Reply, outcome: Delivered
) -> list[InsightDelivery]:
    """Rewrites every posted copy in place (tallies, edits, retraction); returns those done."""
    done: list[InsightDelivery] = []

    async def update(delivery: InsightDelivery) -> None:
        try:
            await ctx.messenger.update(ref_of(delivery), card)
        except Exception:
            log.exception("insight #%s: could not update %s", delivery.insight_id, delivery)
            prefix = "#" if delivery.kind == TargetKind.CHANNEL else "@"
            outcome.failed.append(f"{prefix}{delivery.target_id}")
        else:
            done.append(delivery)

    await _bounded([partial(update, delivery) for delivery in copies])
    outcome.updated += len(done)
    return done


def failure_note(outcome: Delivered) -> str:
    if not outcome.failed:
        return ""
    shown = ", ".join(sorted(outcome.failed)[:5])
    more = f" and {len(outcome.failed) - 5} more" if len(outcome.failed) > 5 else ""
    return (
        f" {len(outcome.failed)} of the places could not be reached ({shown}{more}); "
        "the bot may not be a member there. The rest went out fine."
    )
