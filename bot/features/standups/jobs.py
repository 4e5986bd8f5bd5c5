"""The stand-up tick: every minute, send what became due (prompts, reminders, summaries).

Each tick looks back `CATCH_UP`, so items whose time passed during missed ticks (a restart, a
slow replica) still go out, once: storage remembers what was sent, and every item is claimed
(`bot.claims`: `run_once`, or `claim_many` in bulk), so concurrent ticks or replicas queue it
exactly once.
What is claimed goes through the outbox (`delivery`), which posts it, records it and resumes
it after a crash; the tick also retries the stand-up deliveries that failed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot import claims, deliveries
from bot.claims import run_once
from bot.context import Context
from bot.feature import Tick
from bot.features.standups.delivery import (
    PROMPT,
    REMINDER,
    TOPICS,
    post_summary,
    prompt_reply,
    queue_prompts,
)
from bot.features.standups.escalation import escalate
from bot.features.standups.schedule import due_days
from bot.features.standups.service import (
    PersonZone,
    TeamSchedule,
    holiday_days,
    is_skipping,
    is_standup_day,
    person_zones,
    schedule_of,
)
from bot.replies import Reply
from storage.repositories import standups as repo

log = logging.getLogger(__name__)

TICK_SECONDS = 60
CATCH_UP = timedelta(hours=2)
CLAIM_BATCH = 200


async def tick(ctx: Context) -> None:
    """Sends everything due for every stand-up, after retrying stand-up posts that failed
    (or whose replica died); one failing team does not stop the others."""
    await deliveries.resume(ctx, topics=TOPICS)
    now = ctx.clock.now()
    for roster in await _rosters(ctx):
        try:
            await run_team(ctx, roster, now)
        except Exception:
            log.exception(
                "stand-up tick failed for team %s; the next tick retries", roster.schedule.team_id
            )


@dataclass(frozen=True)
class Roster:
    """A team's stand-up schedule and its members' time zones."""

    schedule: TeamSchedule
    zones: dict[str, PersonZone]


async def _rosters(ctx: Context) -> list[Roster]:
    """Every team with its members and their zones, in a handful of queries whatever the count."""
    async with ctx.db.transaction() as session:
        teams = await repo.all_teams(session)
        members = await repo.members_of(session, [t.id for t in teams if t.id is not None])
        by_workspace: dict[str, set[str]] = defaultdict(set)
        for team in teams:
            by_workspace[team.workspace_id].update(members.get(team.id or 0, []))
        zones = {
            workspace_id: await person_zones(session, workspace_id, user_ids)
            for workspace_id, user_ids in by_workspace.items()
        }
    return [
        Roster(
            schedule_of(team),
            {uid: zones[team.workspace_id][uid] for uid in members.get(team.id or 0, [])},
        )
        for team in teams
    ]


async def run_team(ctx: Context, roster: Roster, now: datetime) -> None:
    schedule = roster.schedule
    due = await _due_messages(ctx, roster, now)
    for start in range(0, len(due), CLAIM_BATCH):
        await _send_batch(ctx, schedule, due[start : start + CLAIM_BATCH])
    for day in await _due_summaries(ctx, schedule, now):
        await run_once(
            ctx, f"standup:{schedule.team_id}:summary:{day}", _summary_work(ctx, schedule, day)
        )


@dataclass(frozen=True)
class _Message:
    user_id: str
    day: date
    kind: str
    zone: PersonZone


def _candidates(roster: Roster, now: datetime) -> list[_Message]:
    """Prompts and reminders whose time falls in the catch-up window (sent or not)."""
    schedule = roster.schedule
    since = now - CATCH_UP
    delay = timedelta(minutes=schedule.team.reminder_minutes)
    found: list[_Message] = []
    for uid, pz in roster.zones.items():
        for day in due_days(schedule.prompt_at, pz.tz, since, now):
            found.append(_Message(uid, day, PROMPT, pz))
        if schedule.team.reminder_minutes:
            for day in due_days(schedule.prompt_at, pz.tz, since - delay, now - delay):
                found.append(_Message(uid, day, REMINDER, pz))
    return found


async def _due_messages(ctx: Context, roster: Roster, now: datetime) -> list[_Message]:
    """The candidates still to send: on a stand-up day, not away, not answered, not sent."""
    schedule = roster.schedule
    candidates = _candidates(roster, now)
    if not candidates:
        return []
    days = {c.day for c in candidates}
    first, last = min(days), max(days)
    delay = timedelta(minutes=schedule.team.reminder_minutes)
    async with ctx.db.transaction() as session:
        holidays = await holiday_days(session, schedule.team_id, first, last)
        away = await repo.skips(
            session,
            schedule.team.workspace_id,
            list(roster.zones),
            first,
            last,
            team_id=schedule.team_id,
        )
        sent = await repo.sent_prompts(session, schedule.team_id, days)
        answered = await repo.answered(session, schedule.team_id, days)

    def wanted(c: _Message) -> bool:
        if not is_standup_day(schedule, c.day, holidays) or is_skipping(
            away.get(c.user_id, []), c.day
        ):
            return False
        if (c.user_id, c.day) in answered or (c.user_id, c.day, c.kind) in sent:
            return False
        if c.kind == PROMPT:
            return True
        prompted = sent.get((c.user_id, c.day, PROMPT))
        return prompted is not None and prompted + delay <= now

    return [c for c in candidates if wanted(c)]


async def _send_batch(ctx: Context, schedule: TeamSchedule, batch: list[_Message]) -> None:
    """`run_once` in bulk: one transaction claims the batch's prompts and reminders (each
    exactly once per member, day and kind) and queues what it won in the outbox, one delivery
    row per member; then they are posted, each recorded as soon as Slack or Teams answers.

    The claims are completed in that transaction: from then on the delivery rows are the
    promise, and a crash resumes them at the first member not yet prompted. Taking claims per
    item would cost a few write transactions per DM, which on SQLite caps a fan-out at about
    50 DMs a second.
    """
    keys = {_key(schedule, m): m for m in batch}
    queued: list[tuple[str, Reply]] = []
    async with ctx.db.transaction() as session:
        won = await claims.claim_many(session, ctx, list(keys))
        groups: dict[tuple[date, str, bool], list[str]] = defaultdict(list)
        for key in sorted(won):
            message = keys[key]
            zone_hint = message.zone.source == "fallback"
            groups[(message.day, message.kind, zone_hint)].append(message.user_id)
        for (day, kind, zone_hint), user_ids in groups.items():
            queue = await queue_prompts(session, ctx, schedule, day, kind, zone_hint, user_ids)
            queued.append((queue, prompt_reply(schedule, day, kind, zone_hint)))
        await claims.complete_many(session, ctx, won)
    for queue, dm in queued:
        outcome = await deliveries.deliver(ctx, queue, dm)
        for row in outcome.failed:
            if row.attempts + 1 < deliveries.MAX_ATTEMPTS:
                log.warning("stand-up DM %s not delivered; the next tick retries it", row.key)


def _key(schedule: TeamSchedule, message: _Message) -> str:
    return f"standup:{schedule.team_id}:{message.kind}:{message.user_id}:{message.day}"


async def _due_summaries(ctx: Context, schedule: TeamSchedule, now: datetime) -> list[date]:
    days = due_days(schedule.summary_at, schedule.tz, now - CATCH_UP, now)
    if not days:
        return []
    async with ctx.db.transaction() as session:
        holidays = await holiday_days(session, schedule.team_id, min(days), max(days))
        posted = {
            d for d in days if await repo.summary_for(session, schedule.team_id, d) is not None
        }
    return [d for d in days if is_standup_day(schedule, d, holidays) and d not in posted]


def _summary_work(ctx: Context, schedule: TeamSchedule, day: date) -> Callable[[], Awaitable[None]]:
    async def work() -> None:
        try:
            await escalate(ctx, schedule, day)
        except Exception:
            log.exception(
                "escalating %s's stuck blockers failed; the summary goes out", schedule.team_id
            )
        await post_summary(ctx, schedule, day)

    return work


# At start too: what fell due while no replica ran goes out at once, not a minute later.
TICK = Tick("standup.tick", TICK_SECONDS, tick, at_start=True)
