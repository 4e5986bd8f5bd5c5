"""Issue 16's "Done when", shared by the Slack and Teams runs: a team of five, one week.

Mon 07:00 UTC  Ana opens a weekly single-choice vote on "Pricing & packaging" (closes in 2 days,
               voters may add options); Dee adds "Usage-based"; four of five vote (Cy does not).
Mon–Wed        Ana's stand-up blocker names the decision; Wednesday's summary escalates it.
Wed 07:00      The deadline tick closes the vote; Sam (Stakeholder, Accountable) ratifies.
Thu 16:00      Sam resolves the blocker (1.0 days after it was escalated).
Fri            The digest preview shows the decision, who ratified it and the blocker.
Next Mon 07:00 Round 2 opens, once, however often the tick runs.

Each platform drives it through its own endpoint, on SQLite and on PostgreSQL; every run must
leave exactly `EXPECTED` in the database, people named by persona (their platform ids differ),
which is the parity check.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from storage.db import Database
from storage.models.decisions import DecisionRecord
from storage.models.deliveries import Delivery
from storage.models.escalations import BlockerEscalation
from storage.models.votes import AddedOption, Ballot, Poll, PollVoter, VoteSeries

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
NEXT_MONDAY = MONDAY + timedelta(weeks=1)
QUESTION = "Which pricing tier do we launch first?"
DECISION = "Pricing & packaging"
ITEMS = ("Starter", "Team", "Enterprise")
ADDED = "Usage-based"
BLOCKED = "Waiting on the pricing & packaging call"
ROLES = {
    "sam": "Stakeholder",  # Accountable for Pricing & packaging
    "ana": "Product Owner",  # Responsible
    "cy": "UX Researcher",  # Consulted
    "dee": "UX Designer",  # Informed
    "ben": "Tech Lead",  # Informed
}
PICKS = {"ana": ADDED, "dee": ADDED, "sam": ADDED, "ben": "Team"}  # Cy does not vote
NEW_VOTE = {
    "question": QUESTION,
    "items": "\n".join(ITEMS),
    "method": "single",
    "deadline_text": "in 2d",
    "allow_additions": "yes",
    "repeat": "weekly",
}


def stand_up_day(day: int) -> tuple[datetime, datetime]:
    """When Ana answers on day `day` (0 = Monday), and when the 16:00 Berlin summary runs."""
    return MONDAY + timedelta(days=day, hours=2), MONDAY + timedelta(days=day, hours=8)


VOTE_CLOSES = MONDAY + timedelta(days=2, minutes=1)  # the deadline tick just after Wed 07:00
RATIFIED_AT = MONDAY + timedelta(days=2, hours=1)
RESOLVED_AT = MONDAY + timedelta(days=3, hours=8)  # a day after Wednesday's escalation
DIGEST_AT = MONDAY + timedelta(days=4, hours=8)


EXPECTED: dict[str, Any] = {
    "series": [("weekly", "single", "pricing & packaging", True, "ana")],
    "rounds": [
        (1, [*ITEMS, ADDED], "closed"),
        (2, list(ITEMS), "open"),  # a new round starts from the series' items
    ],
    "added": [(1, ADDED, 3, "dee")],
    "ballots": [(1, {ADDED: 3, "Team": 1})],
    "voters": [(1, ["ana", "ben", "dee", "sam"])],
    "records": [
        {
            "round": 1,
            "status": "ratified",
            "decided": ADDED,
            "decided_by": "sam",
            "accountable": ["sam"],
            "unheard": ["UX Researcher"],
        }
    ],
    "deliveries": {
        ("vote.result", "channel"): 1,
        ("decision.ask", "sam"): 1,
        ("decision.record", "channel"): 1,
        ("decision.informed", "ben"): 1,
        ("decision.informed", "dee"): 1,
        ("standup.escalation", "sam"): 1,
    },
    "escalations": [
        {
            "blocked": "ana",
            "decision": "pricing & packaging",
            "owners": ["sam"],
            "state": "resolved",
            "resolved_by": "sam",
            "days_to_resolve": 1.0,
        }
    ],
}


async def outcome(db: Database, personas: Mapping[str, str]) -> dict[str, Any]:
    """What the week left in the database, platform ids replaced by `personas`."""

    def who(user_id: str | None) -> str:
        return personas.get(user_id or "", f"?{user_id}")

    async with db.transaction() as session:
        series = (await session.exec(select(VoteSeries))).all()
        polls = (await session.exec(select(Poll).order_by(col(Poll.id)))).all()
        rounds = {p.id: p.round for p in polls}
        added = (await session.exec(select(AddedOption))).all()
        ballots = (await session.exec(select(Ballot))).all()
        voters = (await session.exec(select(PollVoter))).all()
        records = (await session.exec(select(DecisionRecord))).all()
        sent = (await session.exec(select(Delivery))).all()
        escalations = (await session.exec(select(BlockerEscalation))).all()
    by_round: dict[int | None, Counter[str]] = {}
    for ballot in ballots:
        items = json.loads(next(p.items for p in polls if p.id == ballot.poll_id))
        for index in json.loads(ballot.choice):
            by_round.setdefault(rounds[ballot.poll_id], Counter())[items[index]] += 1
    return {
        "series": [
            (s.cadence, s.method, s.decision_key, s.allow_additions, who(s.creator_id))
            for s in series
        ],
        "rounds": [
            (p.round, json.loads(p.items), "closed" if p.closed_at else "open") for p in polls
        ],
        "added": sorted((rounds[a.poll_id], a.label, a.position, who(a.added_by)) for a in added),
        "ballots": sorted((n, dict(counts)) for n, counts in by_round.items() if n is not None),
        "voters": sorted(
            (n, sorted(who(v.user_id) for v in voters if rounds[v.poll_id] == n))
            for n in {rounds[v.poll_id] for v in voters}
            if n is not None
        ),
        "records": [
            {
                "round": rounds.get(r.poll_id),
                "status": r.status,
                "decided": r.decided,
                "decided_by": who(r.decided_by),
                "accountable": sorted(who(u) for u in json.loads(r.accountable_ids)),
                "unheard": sorted(role for role, _name in json.loads(r.unheard)),
            }
            for r in records
        ],
        "deliveries": dict(
            Counter(
                (d.topic, "channel" if d.target_kind == "channel" else who(d.target_id))
                for d in sent
                if d.topic.startswith(("vote.", "decision.", "standup.escalation"))
            )
        ),
        "escalations": [
            {
                "blocked": who(e.user_id),
                "decision": e.decision_key,
                "owners": sorted(who(u) for u in e.owner_ids.split()),
                "state": e.state,
                "resolved_by": who(e.resolved_by),
                "days_to_resolve": round(
                    (e.resolved_at - e.escalated_at).total_seconds() / 86400, 1
                )
                if e.resolved_at
                else None,
            }
            for e in escalations
        ],
    }
