"""What issue 16's decision trail holds about a person: decision records they settled, were
asked to settle or are named in, blocker escalations they raised, received or answered,
votes they closed by hand and recurring votes they set up."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.repositories.personal import decisions as stored

Records = dict[str, list[dict[str, object]]]
FORMER = "a former member"  # as the insights feature credits an erased author


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def personal_data(
    session: AsyncSession, workspace_id: str, user_id: str, names: Collection[str]
) -> Records:
    names = await stored.spellings(session, workspace_id, user_id, names)
    records = await stored.records_of(session, workspace_id, user_id, names)
    escalations = await stored.escalations_of(session, workspace_id, user_id)
    return {
        "decisions settled": [
            {
                "record": r.id,
                "decision": r.decision_name,
                "status": r.status,
                "decided": r.decided,
                "reason": r.reason,
                "when": _when(r.decided_at),
            }
            for r, settled, _, _ in records
            if settled
        ],
        "decisions you were asked to settle": [
            {"record": r.id, "decision": r.decision_name, "asked": _when(r.created_at)}
            for r, _, asked, _ in records
            if asked
        ],
        "decision records naming you as consulted but not voting": [
            {"record": r.id, "decision": r.decision_name, "role": role}
            for r, _, _, roles in records
            for role in roles
        ],
        "blockers of yours escalated": [
            {
                "escalation": e.id,
                "decision": e.decision,
                "blocker": e.blocker,
                "escalated": e.escalated_on.isoformat(),
                "state": e.state,
            }
            for e in escalations
            if e.user_id == user_id
        ],
        "blockers escalated to you": [
            {"escalation": e.id, "decision": e.decision, "escalated": e.escalated_on.isoformat()}
            for e in escalations
            if user_id in e.owners
        ],
        "answers to escalated blockers": [
            {
                "escalation": e.id,
                "decision": e.decision,
                "state": e.state,
                "suggested role": e.suggested_role,
                "answered": _when(e.answered_at) if e.answered_by == user_id else None,
                "resolved": _when(e.resolved_at) if e.resolved_by == user_id else None,
            }
            for e in escalations
            if user_id in (e.answered_by, e.resolved_by) and e.user_id != user_id
        ],
        "votes you closed": [
            {"vote": p.id, "question": p.question, "closed": _when(p.closed_at)}
            for p in await stored.votes_closed(session, workspace_id, user_id)
        ],
        "recurring votes you set up": [
            {"series": s.id, "question": s.question, "repeats": s.cadence}
            for s in await stored.series_created(session, workspace_id, user_id)
        ],
    }


async def forget_person(
    session: AsyncSession, workspace_id: str, user_id: str, names: Collection[str]
) -> int:
    """Records and escalations stay for the team, settled by "a former member"; their ids,
    names, override reasons and blocker texts go. Run before the roles feature's erasure:
    records name people as their roles spell them."""
    return await stored.erase(session, workspace_id, user_id, names, FORMER)


async def unname_before(session: AsyncSession, cutoff: datetime) -> int:
    """Retention: records settled and escalations resolved before `cutoff` stop naming anyone."""
    return await stored.unname_before(session, cutoff)
