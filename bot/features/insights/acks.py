"""The Seen / Will act / Disagree buttons: one answer per person, changeable, tallied live."""

from __future__ import annotations

import json

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Actor, Conversation, MessageRef, Submission
from bot.features.insights.access import ensure_live, viewer_of, visible
from bot.features.insights.forms import disagree_form, read_reason
from bot.features.insights.matching import ACK_KINDS, label_of, parse_insight_id
from bot.features.insights.sync import COPIES
from bot.replies import Form, FormErrors, Reply, say
from storage.repositories import insights as repo
from storage.repositories.insights import InsightView


async def _answerable(
    session: AsyncSession,
    actor: Actor,
    conversation: Conversation,
    message: MessageRef | None,
    insight_id: int,
) -> InsightView:
    """The insight, if this person was shown it: public, in its share list, or the button
    sits on one of its posted copies."""
    insight = await repo.find(session, actor.workspace_id, insight_id)
    view = await repo.load(session, insight) if insight else None
    if view is not None and not visible(view, viewer_of(actor, conversation)):
        copy = (
            await repo.delivery_of_message(
                session, actor.workspace_id, message.channel_id, message.message_id
            )
            if message
            else None
        )
        if copy is None or copy.insight_id != insight_id:
            view = None
    if view is None:
        raise UserError(f"There is no insight {insight_id} you can answer.")
    ensure_live(view.insight)
    return view


async def record(
    ctx: Context,
    actor: Actor,
    conversation: Conversation,
    message: MessageRef | None,
    insight_id: int,
    kind: str,
    reason: str = "",
) -> Reply:
    """Stores the answer, then rewrites every posted copy with the new tally."""
    async with ctx.db.transaction() as session:
        view = await _answerable(session, actor, conversation, message, insight_id)
        await repo.acknowledge(
            session,
            view.insight,
            user_id=actor.user_id,
            display_name=actor.display_name,
            kind=kind,
            reason=reason,
            now=ctx.clock.now(),
        )
    await COPIES.sync(ctx, actor.workspace_id, insight_id)
    return say(
        f"Noted: “{label_of(ACK_KINDS, kind)}” on insight {insight_id}. "
        "Press another button any time to change your answer."
    )


async def seen(action: Action, ctx: Context) -> Reply:
    insight_id = parse_insight_id(action.value)
    return await record(ctx, action.actor, action.conversation, action.message, insight_id, "seen")


async def will_act(action: Action, ctx: Context) -> Reply:
    insight_id = parse_insight_id(action.value)
    return await record(ctx, action.actor, action.conversation, action.message, insight_id, "act")


async def disagree(action: Action, ctx: Context) -> Form:
    """Asks for a one-line reason first; the answer is stored when the form comes back."""
    insight_id = parse_insight_id(action.value)
    async with ctx.db.transaction() as session:
        await _answerable(session, action.actor, action.conversation, action.message, insight_id)
    ref = action.message
    metadata = json.dumps(
        {
            "insight": insight_id,
            "message": [ref.channel_id, ref.message_id] if ref else None,
        }
    )
    return disagree_form(insight_id, metadata)


async def disagree_submitted(submission: Submission, ctx: Context) -> Reply | FormErrors:
    insight_id, message = _decode(submission)
    reason = read_reason(submission)
    if isinstance(reason, FormErrors):
        return reason
    return await record(
        ctx, submission.actor, submission.conversation, message, insight_id, "disagree", reason
    )


def _decode(submission: Submission) -> tuple[int, MessageRef | None]:
    try:
        data = json.loads(submission.metadata)
        insight_id = int(data["insight"])
        where = data.get("message")
    except (ValueError, KeyError, TypeError):
        raise UserError("That form has expired; please press Disagree again.") from None
    actor = submission.actor
    ref = (
        MessageRef(actor.platform, actor.workspace_id, str(where[0]), str(where[1]))
        if isinstance(where, list) and len(where) == 2
        else None
    )
    return insight_id, ref
