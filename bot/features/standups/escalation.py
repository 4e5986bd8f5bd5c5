"""Stuck blockers that name a RACI decision go to that decision's Accountable person, once.

At each day's summary, a blocker repeated for the team's `escalate_after_days` stand-up days
(default 3) that names a decision (its name or an alias) is stored as an escalation and a DM
to the Accountable role's holders is queued in the same transaction (the outbox), so across
replicas and restarts it is sent exactly once per stuck streak. Their answers (I'll unblock,
Not mine, Resolved) are recorded in `escalation_answers`; a raiser whose blocker no longer
names the decision closes it too. Resolution time is escalation to resolution.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import deliveries, homes
from bot.context import Context
from bot.features.roles import NamedDecision, decision_lookup
from bot.features.standups.escalation_state import days_to_resolve
from bot.features.standups.schedule import previous_standup_days
from bot.features.standups.service import TeamSchedule, day_summary, holiday_days
from bot.features.standups.summary import PersonAnswers
from bot.replies import (
    Bold,
    Button,
    ButtonStyle,
    Reply,
    buttons,
    reply,
    small_print,
    text,
)
from storage.models.deliveries import Delivery
from storage.models.escalations import (
    BY_BUTTON,
    BY_STANDUP,
    OPEN,
    RESOLVED,
    BlockerEscalation,
)
from storage.repositories import escalations as repo
from storage.repositories import people
from storage.repositories import standups as standups_repo

log = logging.getLogger(__name__)

DEFAULT_AFTER_DAYS = 3
UNBLOCK_ACTION = "standup.escalation.unblock"
NOT_MINE_ACTION = "standup.escalation.not_mine"
RESOLVED_ACTION = "standup.escalation.resolved"
DAY = timedelta(days=1)


async def escalate(ctx: Context, schedule: TeamSchedule, day: date) -> None:
    """Escalates the day's stuck blockers that name a decision (each streak once) and closes
    escalations whose raiser no longer reports a blocker naming that decision."""
    batches: list[str] = []
    async with ctx.db.transaction() as session:
        data = await day_summary(session, schedule, day)
        decision_in = await decision_lookup(session, schedule.conversation(), ctx.clock.now())
        await _close_cleared(session, ctx, schedule, data.answers, decision_in)
        after = schedule.team.escalate_after_days
        if after <= 0:
            return
        holidays = await holiday_days(session, schedule.team_id, day - timedelta(days=366), day)
        earlier = previous_standup_days(day, schedule.weekdays, holidays, max(after, 12))
        for person in data.answers:
            if person.blocker is None or person.stuck_days < after:
                continue
            named = decision_in(person.blocker)
            if named is None or not named.owners:
                continue
            started_on = earlier[person.stuck_days - 2] if person.stuck_days >= 2 else day
            batch = await _escalate_one(session, ctx, schedule, day, person, named, started_on)
            if batch:
                batches.append(batch)
    for batch in batches:
        await deliveries.deliver(ctx, batch)


async def _escalate_one(
    session: AsyncSession,
    ctx: Context,
    schedule: TeamSchedule,
    day: date,
    person: PersonAnswers,
    named: NamedDecision,
    started_on: date,
) -> str | None:
    if await repo.unresolved_of(session, schedule.team_id, person.user_id, named.key) is not None:
        return None
    last = await repo.latest_escalated_on(session, schedule.team_id, person.user_id, named.key)
    if last is not None and last >= started_on:
        return None  # this streak was escalated (and resolved) already
    row = await repo.add(
        session,
        {
            "workspace_id": schedule.team.workspace_id,
            "platform": schedule.team.platform,
            "standup_id": schedule.team_id,
            "team_id": named.team_id,
            "user_id": person.user_id,
            "blocker": person.blocker or "",
            "decision": named.name,
            "decision_key": named.key,
            "accountable_role": named.accountable_role or "",
            "owner_ids": "\n".join(h.user_id for h in named.owners),
            "started_on": started_on,
            "escalated_on": day,
            "escalated_at": ctx.clock.now(),
            "state": OPEN,
            "answered_by": "",
            "suggested_role": "",
            "resolved_by": "",
            "resolved_via": "",
        },
    )
    if row is None or row.id is None:
        return None
    owners = [holder.user_id for holder in named.owners]
    await homes.mark_stale(session, ctx, schedule.team.platform, schedule.team.workspace_id, owners)
    recipients = [
        deliveries.Recipient(schedule.team.platform, deliveries.PERSON, holder.user_id)
        for holder in named.owners
    ]
    log.info("escalating blocker %s on %s to %d people", row.id, named.name, len(recipients))
    return await deliveries.queue(
        session, ctx, ESCALATION, str(row.id), schedule.team.workspace_id, recipients
    )


async def _close_cleared(
    session: AsyncSession,
    ctx: Context,
    schedule: TeamSchedule,
    answers: Sequence[PersonAnswers],
    decision_in: Callable[[str], NamedDecision | None],
) -> None:
    """A raiser who answered today without a blocker naming the decision has been unblocked."""
    answered = {person.user_id: person for person in answers}
    for row in await repo.of_standup(session, schedule.team_id, list(answered)):
        if row.state == RESOLVED:
            continue
        blocker = answered[row.user_id].blocker
        named = decision_in(blocker) if blocker else None
        if named is not None and named.key == row.decision_key:
            continue
        row.state, row.resolved_via = RESOLVED, BY_STANDUP
        row.resolved_by, row.resolved_at = row.user_id, ctx.clock.now()
        await repo.save(session, row)
        await homes.mark_stale(session, ctx, row.platform, row.workspace_id, row.owners)


# The DM -------------------------------------------------------------------------------------


async def dm_for(session: AsyncSession, row: BlockerEscalation) -> Reply | None:
    """What the Accountable person gets; nothing once the escalation is resolved."""
    if row.state == RESOLVED or row.id is None:
        return None
    team = await standups_repo.team_by_id(session, row.standup_id)
    names = await people.names(session, row.workspace_id, {row.user_id})
    team_name = team.name if team else "stand-up"
    days = (row.escalated_on - row.started_on).days
    return reply(
        text(
            Bold(names[row.user_id]),
            f"'s blocker in the {team_name} stand-up names ",
            Bold(row.decision),
            f", which you are Accountable for ({row.accountable_role}). It has been stuck since "
            f"{row.started_on:%a %d %b} ({days + 1} days).",
        ),
        text(f"“{row.blocker[:500]}”"),
        buttons(*answer_buttons(row.id)),
        small_print(
            "Not yours? Say which role it belongs to; the stand-up summary shows your answer."
        ),
    )


def answer_buttons(escalation_id: int, *, resolved_only: bool = False) -> list[Button]:
    value = str(escalation_id)
    resolved = Button("Resolved", RESOLVED_ACTION, value)
    if resolved_only:
        return [resolved]
    return [
        Button("I'll unblock", UNBLOCK_ACTION, value, ButtonStyle.PRIMARY),
        Button("Not mine (suggest a role)", NOT_MINE_ACTION, value, opens_form=True),
        resolved,
    ]


async def _render(ctx: Context, row: Delivery) -> Reply | None:
    async with ctx.db.transaction() as session:
        escalation = await repo.get(session, int(row.subject))
        if escalation is None:
            return None
        return await dm_for(session, escalation)


ESCALATION = deliveries.register(deliveries.Topic("standup.escalation", _render))


# Reports for the digest and the RACI drift check --------------------------------------------


@dataclass(frozen=True)
class DecisionEscalations:
    """A decision's escalated blockers over a period: counts, and median days to resolve."""

    decision: str
    escalated: int
    resolved: int
    still_open: int
    median_days_to_resolve: float | None
    oldest_open_days: float | None


@dataclass(frozen=True)
class Resolution:
    """Who resolved an escalated blocker on a decision by pressing Resolved."""

    decision: str
    decision_key: str
    resolved_by: str
    resolved_at: datetime


async def escalations_by_decision(
    session: AsyncSession, team_id: int, since: datetime, until: datetime
) -> list[DecisionEscalations]:
    """Per decision, the product team's escalations active in [since, until]: escalated,
    resolved, still open at `until`, and the median days from escalation to resolution."""
    rows = await repo.of_team(session, team_id, since, until)
    by_decision: dict[str, list[BlockerEscalation]] = {}
    for row in rows:
        by_decision.setdefault(row.decision_key, []).append(row)
    report = []
    for found in by_decision.values():
        done = [r for r in found if r.resolved_at is not None and r.resolved_at <= until]
        open_rows = [r for r in found if r not in done]
        report.append(
            DecisionEscalations(
                decision=found[-1].decision,
                escalated=sum(1 for r in found if r.escalated_at >= since),
                resolved=sum(1 for r in done if r.resolved_at and r.resolved_at >= since),
                still_open=len(open_rows),
                median_days_to_resolve=(
                    statistics.median(days_to_resolve(r) for r in done) if done else None
                ),
                oldest_open_days=(
                    max((until - r.escalated_at) / DAY for r in open_rows) if open_rows else None
                ),
            )
        )
    return sorted(report, key=lambda d: d.decision.casefold())


async def resolutions(
    session: AsyncSession, team_id: int, since: datetime, until: datetime
) -> list[Resolution]:
    """Escalated blockers resolved with the Resolved button in [since, until], with who did it."""
    rows = await repo.of_team(session, team_id, since, until)
    return [
        Resolution(r.decision, r.decision_key, r.resolved_by, r.resolved_at)
        for r in rows
        if r.resolved_via == BY_BUTTON and r.resolved_at is not None and r.resolved_at >= since
    ]
