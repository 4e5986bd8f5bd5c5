"""Sharing, editing and retracting an insight, and keeping every posted copy in step."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Actor, Command, Conversation, Submission
from bot.features.insights.access import (
    ensure_live,
    ensure_may_change,
    find_insight,
    targets_for,
)
from bot.features.insights.delivery import (
    Delivered,
    failure_note,
    post_copies,
    queue_copies,
    update_copies,
)
from bot.features.insights.forms import FormState, insight_form, read_submission
from bot.features.insights.matching import TargetKind, parse_insight_id
from bot.features.insights.sync import COPIES, current_card
from bot.features.insights.views import count, insight_card, withdrawn_card
from bot.replies import Code, Form, FormErrors, Reply, confirmation, done_in_place, say
from storage.repositories import insights as repo
from storage.repositories import people
from storage.repositories.insights import InsightContent
from storage.repositories.product_teams import team_for


async def _read(
    submission: Submission, state: FormState, ctx: Context
) -> InsightContent | FormErrors:
    """Checks the form; people in the share list get their display names for the card."""
    workspace_id = submission.actor.workspace_id
    async with ctx.db.transaction() as session:
        known = {
            row.target_name.casefold(): row.target_id
            for row in await repo.subscriptions(session, workspace_id)
            if row.kind == TargetKind.CHANNEL and row.target_name
        }
        content = read_submission(submission, state, known)
        if isinstance(content, FormErrors):
            return content
        return await _named(session, workspace_id, content)


async def _named(
    session: AsyncSession, workspace_id: str, content: InsightContent
) -> InsightContent:
    ids = {a.target_id for a in content.audience if a.kind == TargetKind.PERSON}
    names = await people.names(session, workspace_id, ids)
    audience = [
        replace(a, label=names[a.target_id]) if a.target_id in names else a
        for a in content.audience
    ]
    return replace(content, audience=audience)


async def share(submission: Submission, ctx: Context) -> Reply | FormErrors:
    """`insight.new` submitted: store it, then post it once to every place it belongs."""
    state = FormState.decode(submission.metadata)
    content = await _read(submission, state, ctx)
    if isinstance(content, FormErrors):
        return content
    actor = submission.actor
    now = ctx.clock.now()
    origin = Conversation(actor.platform, actor.workspace_id, state.origin_channel)
    async with ctx.db.transaction() as session:
        team = await team_for(session, origin, now)
        assert team.id is not None
        insight = await repo.create(
            session,
            workspace_id=actor.workspace_id,
            team_id=team.id,
            platform=actor.platform,
            author_id=actor.user_id,
            author_name=actor.display_name,
            content=content,
            now=now,
        )
        view = await repo.load(session, insight)
        targets = await targets_for(session, view)
        batch = await queue_copies(session, ctx, insight, targets)
    outcome = Delivered()
    await post_copies(ctx, batch, targets, insight_card(view, {}), outcome)
    return say(_shared_note(view.id, outcome))


def _shared_note(insight_id: int, outcome: Delivered) -> str:
    if outcome.channels + outcome.people == 0 and not outcome.failed:
        return (
            f"Saved insight {insight_id}, but no channel or person subscribes to its tags yet, "
            "so nobody was notified. Subscribe a channel with `/insight subscribe here <tag>`."
        )
    return (
        f"Shared insight {insight_id}: posted to {count(outcome.channels, 'channel')} and "
        f"{count(outcome.people, 'person', 'people')}. "
        f"`/insight status {insight_id}` shows who answered." + failure_note(outcome)
    )


async def open_editor(command: Command, rest: str, ctx: Context) -> Form:
    """`/insight edit <id>`: the form, pre-filled, for the author or an admin."""
    insight_id = parse_insight_id(rest or "?")
    async with ctx.db.transaction() as session:
        view = await find_insight(session, command.actor, command.conversation, insight_id)
    ensure_may_change(view.insight, command.actor)
    ensure_live(view.insight)
    return insight_form(FormState(command.conversation.channel_id, insight_id), view)


async def save_edit(submission: Submission, ctx: Context) -> Reply | FormErrors:
    """`insight.edit` submitted: update every copy in place, post to newly matching places,
    and withdraw copies from places a now-private insight no longer reaches."""
    state = FormState.decode(submission.metadata)
    if state.insight_id is None:
        raise UserError("That form has expired; please open it again.")
    content = await _read(submission, state, ctx)
    if isinstance(content, FormErrors):
        return content
    actor = submission.actor
    async with ctx.db.transaction() as session:
        view = await find_insight(session, actor, submission.conversation, state.insight_id)
        ensure_may_change(view.insight, actor)
        ensure_live(view.insight)
        await repo.update_content(session, view.insight, content, ctx.clock.now())
        view = await repo.load(session, view.insight)
        targets = await targets_for(session, view)
        copies = await repo.deliveries(session, view.id)
        wanted = {(t.kind.value, t.target_id) for t in targets}
        drop = [
            c for c in copies if view.insight.is_private and (c.kind, c.target_id) not in wanted
        ]
        for copy in drop:
            assert copy.id is not None
            await repo.forget_delivery(session, copy.id)
    withdrawal = Delivered()
    async with COPIES.exclusive(ctx, actor.workspace_id, view.id):
        await update_copies(ctx, drop, withdrawn_card(view.id), withdrawal)
    outcome = await COPIES.sync(ctx, actor.workspace_id, view.id)
    posted = {(c.kind, c.target_id) for c in copies}
    fresh = [t for t in targets if (t.kind.value, t.target_id) not in posted]
    _, card = await current_card(ctx, actor.workspace_id, view.id)
    additions = Delivered()
    async with ctx.db.transaction() as session:
        batch = await queue_copies(session, ctx, view.insight, fresh)
    await post_copies(ctx, batch, fresh, card, additions)
    failures = Delivered(failed=outcome.failed + withdrawal.failed + additions.failed)
    return say(
        f"Updated insight {view.id}: {count(outcome.updated, 'post')} updated in place, "
        f"{additions.channels + additions.people} new, "
        f"{len(drop) - len(withdrawal.failed)} withdrawn." + failure_note(failures)
    )


RETRACT_ACTION = "insight.retract"


async def retract(command: Command, rest: str, ctx: Context) -> Reply:
    """`/insight retract <id>` asks first; `… confirm` (or the button) retracts."""
    words = rest.split()
    insight_id = parse_insight_id(words[0] if words else "?")
    if words[1:2] in (["confirm"], ["yes"]):
        return await _retract(ctx, command.actor, command.conversation, insight_id)
    async with ctx.db.transaction() as session:
        view = await find_insight(session, command.actor, command.conversation, insight_id)
        ensure_may_change(view.insight, command.actor)
        ensure_live(view.insight)
    return confirmation(
        f"Retract insight {insight_id} (“{view.insight.title[:60]}”)? Every posted copy will "
        "say it was retracted and lose its answer buttons.",
        f"Retract insight {insight_id}",
        RETRACT_ACTION,
        str(insight_id),
        f"/insight retract {insight_id} confirm",
    )


async def retract_confirmed(action: Action, ctx: Context) -> Reply:
    insight_id = parse_insight_id(action.value)
    return done_in_place(await _retract(ctx, action.actor, action.conversation, insight_id))


async def _retract(
    ctx: Context, actor: Actor, conversation: Conversation, insight_id: int
) -> Reply:
    """Every copy says so and loses its buttons."""
    async with ctx.db.transaction() as session:
        view = await find_insight(session, actor, conversation, insight_id)
        ensure_may_change(view.insight, actor)
        ensure_live(view.insight)
        await repo.retract(session, view.insight, actor.user_id, ctx.clock.now())
    outcome = await COPIES.sync(ctx, actor.workspace_id, insight_id)
    return say(
        f"Retracted insight {view.id} and marked "
        f"{count(outcome.updated, 'posted copy', 'posted copies')} as retracted. ",
        Code(f"/insight status {view.id}"),
        " still shows who answered." + failure_note(outcome),
    )
