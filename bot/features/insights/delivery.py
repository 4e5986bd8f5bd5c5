"""Posting insight copies and updating them in place, so one failing place never stops others.

Network calls happen outside database transactions: a slow platform never holds a write lock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from bot.context import Context
from bot.events import Conversation, MessageRef
from bot.features.insights.matching import Target, TargetKind
from bot.replies import Reply
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


async def post_copies(
    ctx: Context, insight: Insight, targets: Sequence[Target], card: Reply, outcome: Delivered
) -> None:
    """Posts one copy per target and stores each MessageRef; failures are logged and counted."""
    posted: list[tuple[Target, MessageRef]] = []

    async def post(target: Target) -> None:
        try:
            posted.append((target, await _send(ctx, insight.workspace_id, target, card)))
        except Exception:
            log.exception("insight #%s: could not post to %s", insight.id, target)
            outcome.failed.append(target_label(target))

    await _bounded([partial(post, target) for target in targets])
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        for target, ref in posted:
            await repo.record_delivery(
                session,
                insight,
                platform=ref.platform,
                kind=target.kind,
                target_id=target.target_id,
                channel_id=ref.channel_id,
                message_id=ref.message_id,
                now=now,
            )
            outcome.count(target)


async def _send(ctx: Context, workspace_id: str, target: Target, card: Reply) -> MessageRef:
    if target.kind is TargetKind.CHANNEL:
        conversation = Conversation(target.platform, workspace_id, target.target_id)
        return await ctx.messenger.post(conversation, card)
    return await ctx.messenger.send_direct(
        workspace_id, target.target_id, card, platform=target.platform
    )


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
