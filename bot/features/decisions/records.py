"""Writing decision records when votes close, and settling them exactly once.

A vote that names a RACI decision writes a `pending` record in its closing transaction and
queues the question to the decision's Accountable people (the outbox: retried, never lost,
never doubled). Settling is one conditional update, so only the first press of Ratify,
Override or Reopen counts; the record post and the notes to the Informed are queued in
that same transaction, so each Informed person is told once.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import deliveries
from bot.context import Context
from bot.errors import UserError
from bot.events import Actor
from bot.features.decisions import views
from bot.features.decisions.people import people_for, refuse_unless_may_settle
from bot.features.votes import Result, RoleSplit, items_of, on_close, reopen_vote
from bot.replies import Reply
from storage.models.decisions import OVERRIDDEN, PENDING, RATIFIED, REOPENED, DecisionRecord
from storage.models.deliveries import Delivery
from storage.models.votes import Poll
from storage.repositories import decisions as repo
from storage.repositories import evidence
from storage.repositories import votes as votes_repo

MAX_LINKED_INSIGHTS = 10


def outcome_words(items: Sequence[str], result: Result) -> str:
    """The vote's result in words, as a record keeps it."""
    if not result.ballots:
        return "no ballots were cast"
    names = [items[i] for i in result.winners]
    if len(names) == 1:
        return names[0]
    return "a tie between " + " and ".join(names)


async def record_on_close(
    session: AsyncSession, ctx: Context, poll: Poll, result: Result, split: RoleSplit
) -> list[str]:
    """The votes feature's close hook: a record and the question to the Accountable."""
    if not poll.decision_key or poll.id is None:
        return []
    items = items_of(poll)
    people = await people_for(session, poll.team_id, poll.decision_key)
    voted = await votes_repo.voter_ids(session, poll.id)
    links = await evidence.public_links(session, poll.team_id, items)
    insights = list({link.insight_id: link for link in links}.values())[:MAX_LINKED_INSIGHTS]
    record = await repo.add(
        session,
        DecisionRecord(
            workspace_id=poll.workspace_id,
            team_id=poll.team_id,
            poll_id=poll.id,
            decision_key=poll.decision_key,
            decision_name=poll.decision_name,
            question=poll.question,
            platform=poll.platform,
            channel_id=poll.channel_id,
            thread_id=poll.thread_id,
            result=outcome_words(items, result),
            created_at=ctx.clock.now(),
        ),
        repo.RecordDetails(
            by_role=tuple(
                repo.RoleResult(
                    role, voters, " and ".join(items[i] for i in group.winners) or "no winner"
                )
                for role, voters, group in split.groups
            ),
            insights=tuple(
                repo.CitedInsight(i.insight_id, i.title, i.confidence) for i in insights
            ),
            unheard=tuple(
                repo.Unheard(role, h.name or h.user_id)
                for role, h in people.consulted
                if h.user_id not in voted
            ),
            accountable_ids=tuple(h.user_id for h in people.accountable),
        ),
    )
    recipients = [
        deliveries.Recipient(poll.platform, deliveries.PERSON, h.user_id)
        for h in people.accountable
    ] or [deliveries.Recipient(poll.platform, deliveries.CHANNEL, poll.channel_id, poll.thread_id)]
    batch = await deliveries.queue(session, ctx, ASK, str(record.id), poll.workspace_id, recipients)
    return [batch]


async def load(session: AsyncSession, workspace_id: str, record_id: int) -> DecisionRecord:
    record = await repo.get(session, workspace_id, record_id)
    if record is None:
        raise missing(record_id)
    return record


def missing(record_id: int) -> UserError:
    """The one answer for a record that does not exist or that the asker may not see."""
    return UserError(
        f"There's no decision record {record_id} here. `/decision log` lists the ones you can see."
    )


async def settle(
    ctx: Context, actor: Actor, record_id: int, status: str, decided: str = "", reason: str = ""
) -> DecisionRecord:
    """Ratifies, overrides or reopens; raises when the actor may not or it is settled."""
    now = ctx.clock.now()
    batches: list[str] = []
    async with ctx.db.transaction() as session:
        record = await load(session, actor.workspace_id, record_id)
        people = await people_for(session, record.team_id, record.decision_key)
        refuse_unless_may_settle(actor, people, record.decision_name)
        settled = record.status == PENDING and await repo.settle(
            session,
            record_id,
            status=status,
            decided=record.result if status == RATIFIED else decided,
            reason=reason,
            by=actor.user_id,
            by_name=actor.label,
            now=now,
        )
        if not settled:
            raise UserError(already_settled(record))
        channel = deliveries.Recipient(
            record.platform, deliveries.CHANNEL, record.channel_id, record.thread_id
        )
        subject = str(record_id)
        batches.append(
            await deliveries.queue(session, ctx, POSTED, subject, record.workspace_id, [channel])
        )
        if status in (RATIFIED, OVERRIDDEN) and people.informed:
            told = [
                deliveries.Recipient(record.platform, deliveries.PERSON, h.user_id)
                for h in people.informed
            ]
            batches.append(
                await deliveries.queue(session, ctx, INFORMED, subject, record.workspace_id, told)
            )
        record = await load(session, actor.workspace_id, record_id)
    if status == REOPENED:
        await reopen_vote(ctx, record.workspace_id, record.poll_id)
    for batch in batches:
        await deliveries.deliver(ctx, batch)
    return record


def already_settled(record: DecisionRecord) -> str:
    who = record.decided_by_name or record.decided_by or "someone"
    return (
        f"Decision record {record.id} is already {views.STATUS_WORDS[record.status]} "
        f"(by {who}); nothing was changed."
    )


async def _render(ctx: Context, row: Delivery, build: views.Render) -> Reply | None:
    async with ctx.db.transaction() as session:
        record = await repo.get(session, row.workspace_id, int(row.subject))
    return build(record, row) if record is not None else None


def _ask(record: DecisionRecord, row: Delivery) -> Reply | None:
    """Asked only while the record waits; a record settled meanwhile asks nobody."""
    if record.status != PENDING:
        return None
    return (
        views.ask(record)
        if row.target_kind == deliveries.PERSON
        else views.nobody_accountable(record)
    )


async def _render_ask(ctx: Context, row: Delivery) -> Reply | None:
    return await _render(ctx, row, _ask)


async def _render_posted(ctx: Context, row: Delivery) -> Reply | None:
    return await _render(ctx, row, lambda record, _: views.posted(record))


async def _render_informed(ctx: Context, row: Delivery) -> Reply | None:
    return await _render(ctx, row, lambda record, _: views.informed(record))


ASK = deliveries.register(deliveries.Topic("decision.ask", _render_ask))
POSTED = deliveries.register(deliveries.Topic("decision.record", _render_posted))
INFORMED = deliveries.register(deliveries.Topic("decision.informed", _render_informed))
on_close(record_on_close)
