"""What an escalated blocker's line in the stand-up summary says, read from storage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.events import Conversation
from bot.features.roles import decision_lookup
from storage.models.escalations import BY_BUTTON, NOT_MINE, RESOLVED, UNBLOCKING, BlockerEscalation
from storage.repositories import escalations as repo
from storage.repositories import people

DAY = timedelta(days=1)

EscalationOf = Callable[[str, str], str | None]
"""Given (raiser, blocker text): the state of the escalation that blocker led to, or None."""


async def escalation_lookup(
    session: AsyncSession,
    standup_id: int,
    where: Conversation,
    tz: ZoneInfo,
    day: date,
    now: datetime,
) -> EscalationOf:
    """`escalation_of(user, blocker)` for the summary of `day`: the latest escalation of that
    raiser's blocker on the decision it names, as it stands now."""
    rows = [r for r in await repo.of_standup(session, standup_id) if r.escalated_on <= day]
    if not rows:
        return lambda _user, _blocker: None
    decision_in = await decision_lookup(session, where, now)
    ids = {r.user_id for r in rows} | {r.answered_by for r in rows} | {r.resolved_by for r in rows}
    for row in rows:
        ids.update(row.owners)
    names = await people.names(session, where.workspace_id, {i for i in ids if i})
    latest = {(r.user_id, r.decision_key): r for r in rows}

    def escalation_of(user_id: str, blocker: str) -> str | None:
        named = decision_in(blocker)
        row = latest.get((user_id, named.key)) if named else None
        if named is None or row is None:
            return None
        # Role holders the bot has not met yet are known by the name they were assigned with.
        known = {
            h.user_id: h.name
            for h in named.owners
            if h.name and names.get(h.user_id) in (None, h.user_id)
        }
        return describe_state(row, names | known, tz)

    return escalation_of


def describe_state(row: BlockerEscalation, names: dict[str, str], tz: ZoneInfo) -> str:
    owners = ", ".join(names.get(o, o) for o in row.owners)
    lead = f"escalated to {owners} on {row.escalated_on:%a %d %b}"
    if row.state == UNBLOCKING:
        return f"{lead}: {names.get(row.answered_by, row.answered_by)} will unblock it"
    if row.state == NOT_MINE:
        who = names.get(row.answered_by, row.answered_by)
        return f"{lead}: {who} says it is not theirs, suggests {row.suggested_role}"
    if row.state == RESOLVED and row.resolved_at is not None:
        by = (
            f"by {names.get(row.resolved_by, row.resolved_by)}"
            if row.resolved_via == BY_BUTTON
            else "in stand-up"
        )
        return (
            f"{lead}: resolved {by} on {row.resolved_at.astimezone(tz):%a %d %b} "
            f"after {days_to_resolve(row):.1f} days"
        )
    return f"{lead}: no answer yet"


def days_to_resolve(row: BlockerEscalation) -> float:
    """Days from the DM to the resolution: the time a decision's owner took to unblock."""
    assert row.resolved_at is not None
    return (row.resolved_at - row.escalated_at) / DAY
