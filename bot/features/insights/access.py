"""Finding an insight for someone, and deciding what they may do with it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import PermissionDenied, UserError
from bot.events import Actor, Conversation
from bot.features.insights.matching import (
    Subscriber,
    Target,
    TargetKind,
    Viewer,
    broadcast_targets,
    may_view,
)
from storage.models.insights import Insight, InsightAck, InsightSubscription
from storage.repositories import insights as repo
from storage.repositories.insights import InsightView


def viewer_of(actor: Actor, conversation: Conversation) -> Viewer:
    return Viewer(actor.user_id, conversation.channel_id, actor.is_admin)


def shared_with(view: InsightView) -> list[Target]:
    return [Target(a.platform, TargetKind(a.kind), a.target_id, a.label) for a in view.audience]


def visible(view: InsightView, viewer: Viewer, *, include_admin: bool = False) -> bool:
    return may_view(
        viewer,
        author_id=view.insight.author_id,
        is_private=view.insight.is_private,
        audience=shared_with(view),
        include_admin=include_admin,
    )


async def find_insight(
    session: AsyncSession, actor: Actor, conversation: Conversation, insight_id: int
) -> InsightView:
    """The insight, if this person may see it; outsiders learn nothing, not even that it exists.

    Admins may see every insight here, because they may edit and retract any.
    """
    insight = await repo.find(session, actor.workspace_id, insight_id)
    view = await repo.load(session, insight) if insight else None
    if view is None or not visible(view, viewer_of(actor, conversation), include_admin=True):
        raise UserError(
            f"There is no insight {insight_id} you can see. `/insight list` shows recent ones."
        )
    return view


def ensure_may_change(insight: Insight, actor: Actor) -> None:
    if insight.author_id != actor.user_id and not actor.is_admin:
        raise PermissionDenied(
            f"Only the author of insight {insight.id} "
            f"({insight.author_name or insight.author_id}) or an admin can do that."
        )


def ensure_live(insight: Insight) -> None:
    if insight.retracted_at is not None:
        raise UserError(f"Insight {insight.id} was retracted; it can no longer change.")


def subscriber_of(row: InsightSubscription) -> Subscriber:
    target = Target(row.platform, TargetKind(row.kind), row.target_id, row.target_name)
    return Subscriber(target, row.tag)


async def targets_for(session: AsyncSession, view: InsightView) -> list[Target]:
    """Every place this insight should be: its share list, plus matching subscribers if public."""
    insight = view.insight
    rows = (
        await repo.subscriptions(session, insight.workspace_id, tags=view.tags)
        if view.tags and not insight.is_private
        else []
    )
    return broadcast_targets(
        view.tags,
        [subscriber_of(row) for row in rows],
        author=Target(insight.platform, TargetKind.PERSON, insight.author_id),
        shared_with=shared_with(view),
        is_private=insight.is_private,
    )


def tally(acks: Sequence[InsightAck]) -> Counter[str]:
    return Counter(ack.kind for ack in acks)
