"""Stand-up posts through the outbox (`bot.deliveries`): prompts and reminders, the day's
summary and, when threaded, each person's answers under it.

Each post is a delivery row written before it goes out and marked with its message id after,
so a crash resumes at the first member not yet prompted, on any replica, and a post whose
answer was lost is found again (Slack message metadata) instead of being repeated. A threaded
summary's replies are queued in the transaction that records the summary, so none is lost
either; edits after a late answer go to the recorded message ids.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import deliveries
from bot.context import Context
from bot.events import MessageRef
from bot.features.standups import views
from bot.features.standups.service import THREADED, TeamSchedule, render_summary, schedule_of
from bot.replies import Reply
from storage.models.deliveries import Delivery
from storage.models.standups import StandupSummary
from storage.repositories import standups as repo

PROMPT = "prompt"
REMINDER = "reminder"
ZONE_HINT = "utc"  # in a prompt's subject: the member's zone is unknown, say so in the DM


# Prompts and reminders ----------------------------------------------------------------------


def _prompt_subject(team_id: int, day: date, kind: str, zone_hint: bool) -> str:
    return f"{team_id}:{day.isoformat()}:{kind}" + (f":{ZONE_HINT}" if zone_hint else "")


def _read_prompt_subject(subject: str) -> tuple[int, date, str, bool]:
    team_id, day, kind, *hint = subject.split(":")
    return int(team_id), date.fromisoformat(day), kind, hint == [ZONE_HINT]


def prompt_reply(schedule: TeamSchedule, day: date, kind: str, zone_hint: bool) -> Reply:
    return views.prompt(
        schedule.team, schedule.questions, day, reminder=kind == REMINDER, zone_hint=zone_hint
    )


async def queue_prompts(
    session: AsyncSession,
    ctx: Context,
    schedule: TeamSchedule,
    day: date,
    kind: str,
    zone_hint: bool,
    user_ids: Collection[str],
) -> str:
    """In the caller's transaction: one delivery row per member, under one batch claim."""
    recipients = [
        deliveries.Recipient(schedule.team.platform, deliveries.PERSON, u) for u in user_ids
    ]
    subject = _prompt_subject(schedule.team_id, day, kind, zone_hint)
    return await deliveries.queue(
        session, ctx, PROMPTS, subject, schedule.team.workspace_id, recipients
    )


async def _render_prompt(ctx: Context, row: Delivery) -> Reply | None:
    """A resumed batch asks as the team's questions read now; a deleted team, nothing."""
    team_id, day, kind, zone_hint = _read_prompt_subject(row.subject)
    async with ctx.db.transaction() as session:
        team = await repo.team_by_id(session, team_id)
    return None if team is None else prompt_reply(schedule_of(team), day, kind, zone_hint)


async def _record_prompt(
    session: AsyncSession, row: Delivery, ref: MessageRef, now: datetime
) -> None:
    """Sent: the reminder counts its delay from now, and a late answer to that day is allowed."""
    team_id, day, kind, _ = _read_prompt_subject(row.subject)
    await repo.record_prompts(session, row.workspace_id, team_id, [(row.target_id, day, kind)], now)


PROMPTS = deliveries.register(deliveries.Topic("standup.prompt", _render_prompt, _record_prompt))


# The summary and its thread -----------------------------------------------------------------


def _summary_subject(team_id: int, day: date) -> str:
    return f"{team_id}:{day.isoformat()}"


def _answers_subject(team_id: int, day: date, user_id: str) -> str:
    return f"{team_id}:{day.isoformat()}:{user_id}"


def _read_subject(subject: str) -> tuple[int, date, str]:
    """(team id, day, user id or "") from a summary's or a thread reply's subject."""
    team_id, day, *user = subject.split(":", 2)
    return int(team_id), date.fromisoformat(day), user[0] if user else ""


async def post_summary(ctx: Context, schedule: TeamSchedule, day: date) -> None:
    """Posts the day's summary (and, when threaded, everyone's answers as replies) once: the
    summary's batch is named after the team and day, so posting it again adds nothing."""
    summary, posted, _ = await render_summary(ctx, schedule, day)
    if posted is None:
        channel = deliveries.Recipient(
            schedule.team.platform, deliveries.CHANNEL, schedule.team.channel_id
        )
        async with ctx.db.transaction() as session:
            batch = await deliveries.queue_once(
                session,
                ctx.clock.now(),
                SUMMARY,
                _summary_subject(schedule.team_id, day),
                schedule.team.workspace_id,
                [channel],
            )
        await deliveries.take(ctx, batch, summary.parent)
    # The replies were queued when the summary was recorded; post them in the summary's order.
    for user_id, person_reply in summary.thread:
        batch = deliveries.named_batch(ANSWERS, _answers_subject(schedule.team_id, day, user_id))
        await deliveries.take(ctx, batch, person_reply)


async def _render_summary(ctx: Context, row: Delivery) -> Reply | None:
    team_id, day, _ = _read_subject(row.subject)
    async with ctx.db.transaction() as session:
        team = await repo.team_by_id(session, team_id)
    if team is None:
        return None
    summary, posted, _ = await render_summary(ctx, schedule_of(team), day)
    return summary.parent if posted is None else None


async def _record_summary(
    session: AsyncSession, row: Delivery, ref: MessageRef, now: datetime
) -> None:
    """Records the summary for later edits and, when threaded, queues one reply per person
    who answered, in the same transaction."""
    team_id, day, _ = _read_subject(row.subject)
    team = await repo.team_by_id(session, team_id)
    if team is None:
        return
    await repo.record_summary(session, team, day, ref.platform, ref.channel_id, ref.message_id, now)
    if team.style != THREADED:
        return
    thread = deliveries.Recipient(
        row.platform, deliveries.CHANNEL, row.target_id, thread_id=ref.message_id
    )
    for answer in await repo.answers_between(session, team_id, day, day):
        subject = _answers_subject(team_id, day, answer.user_id)
        await deliveries.queue_once(session, now, ANSWERS, subject, row.workspace_id, [thread])


SUMMARY = deliveries.register(deliveries.Topic("standup.summary", _render_summary, _record_summary))


async def _render_answers(ctx: Context, row: Delivery) -> Reply | None:
    """A person's reply as their answers read now; nothing once they are gone (erased)."""
    team_id, day, user_id = _read_subject(row.subject)
    async with ctx.db.transaction() as session:
        team = await repo.team_by_id(session, team_id)
    if team is None:
        return None
    summary, _, _ = await render_summary(ctx, schedule_of(team), day)
    return dict(summary.thread).get(user_id)


async def _record_answers(
    session: AsyncSession, row: Delivery, ref: MessageRef, now: datetime
) -> None:
    team_id, day, user_id = _read_subject(row.subject)
    posted = await repo.summary_for(session, team_id, day)
    if posted is not None:
        await repo.record_summary_post(session, posted, user_id, ref.message_id)


ANSWERS = deliveries.register(deliveries.Topic("standup.answers", _render_answers, _record_answers))

TOPICS = (PROMPTS.name, SUMMARY.name, ANSWERS.name)


def _ref(posted: StandupSummary, message_id: str) -> MessageRef:
    return MessageRef(posted.platform, posted.workspace_id, posted.channel_id, message_id)


async def refresh_summary(ctx: Context, schedule: TeamSchedule, day: date, user_id: str) -> bool:
    """After `user_id` answered or edited: updates the posted summary in place, and their
    reply in its thread (queued and posted, if they had none). Returns whether a posted
    summary was updated."""
    summary, posted, posts = await render_summary(ctx, schedule, day)
    if posted is None:
        return False
    await ctx.messenger.update(_ref(posted, posted.message_id), summary.parent)
    person_reply = dict(summary.thread).get(user_id)
    if person_reply is None:
        return True
    if user_id in posts:
        await ctx.messenger.update(_ref(posted, posts[user_id]), person_reply)
        return True
    thread = deliveries.Recipient(
        posted.platform, deliveries.CHANNEL, schedule.team.channel_id, thread_id=posted.message_id
    )
    async with ctx.db.transaction() as session:
        batch = await deliveries.queue_once(
            session,
            ctx.clock.now(),
            ANSWERS,
            _answers_subject(schedule.team_id, day, user_id),
            schedule.team.workspace_id,
            [thread],
        )
    await deliveries.take(ctx, batch, person_reply)
    return True
