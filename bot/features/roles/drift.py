"""RACI drift: where practice over the last 90 days differs from the matrix.

Practice is who actually ratifies, overrides or reopens a decision's votes, who closes them by
hand (the decisions feature) and who resolves its escalated stand-up blockers (the stand-ups
feature). When the person doing most of that does not hold the decision's Accountable role,
`/raci check` says so and offers one fix: make a role that person holds Accountable, the
previous Accountable role becoming Consulted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features.roles.matrix import DecisionView, Matrix, normalise
from bot.features.roles.service import TeamMatrix, with_letters

DRIFT_DAYS = 90
RESOLVED_BLOCKERS = "resolved {n} escalated blocker{s}"
SETTLED = "ratified, overrode or reopened {n} of its vote{s}"
CLOSED_VOTES = "closed {n} of its vote{s} by hand"


@dataclass(frozen=True)
class Drift:
    """`who` (not holding the Accountable role) did most of the deciding work on `decision`."""

    decision: str
    accountable_role: str | None
    who: str
    who_name: str
    did: tuple[str, ...]  # "resolved 2 escalated blockers", "ratified 1"
    fix_role: str | None  # a role `who` holds, to make Accountable; None when they hold none

    @property
    def fix_value(self) -> str:
        return f"{self.decision}\n{self.fix_role or ''}"


@dataclass
class _Tally:
    counts: Counter[str] = field(default_factory=Counter)
    did: dict[str, list[str]] = field(default_factory=dict)

    def add(self, who: str, label: str, n: int) -> None:
        if n <= 0 or not who:
            return
        self.counts[who] += n
        self.did.setdefault(who, []).append(label.format(n=n, s="" if n == 1 else "s"))


async def drifts(session: AsyncSession, tm: TeamMatrix, now: datetime) -> list[Drift]:
    """Every decision whose practice over the last 90 days points at someone else."""
    # Imported here: both features are built on this one (stand-up blockers name RACI
    # decisions), so importing them at module level would be circular.
    from bot.features.decisions import who_closes_votes, who_settles
    from bot.features.standups import resolutions

    assert tm.team.id is not None
    since = now - timedelta(days=DRIFT_DAYS)
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    resolved: dict[str, Counter[str]] = defaultdict(Counter)
    for resolution in await resolutions(session, tm.team.id, since, now):
        resolved[resolution.decision_key][resolution.resolved_by] += 1
    for key, counts in resolved.items():
        for who, n in counts.items():
            tallies[key].add(who, RESOLVED_BLOCKERS, n)
    for decision in tm.matrix.decisions:
        settled = await who_settles(session, tm.team.id, decision.key, now, DRIFT_DAYS)
        for who, n in settled.items():
            tallies[decision.key].add(who, SETTLED, n)
        closed = await who_closes_votes(session, tm.team.id, decision.key, now, DRIFT_DAYS)
        for who, n in closed.items():
            tallies[decision.key].add(who, CLOSED_VOTES, n)
    return [
        found
        for decision in tm.matrix.decisions
        if (tally := tallies.get(decision.key)) is not None
        and (found := _drift(decision, tm.matrix, tally)) is not None
    ]


def _drift(decision: DecisionView, matrix: Matrix, tally: _Tally) -> Drift | None:
    accountable = decision.roles_with("A")
    role = matrix.role(accountable[0]) if accountable else None
    holders = {h.user_id for h in role.holders} if role else set()
    ranked = sorted(tally.counts.items(), key=lambda item: (-item[1], item[0]))
    if not ranked or ranked[0][0] in holders:
        return None
    best = max((tally.counts[h] for h in holders), default=0)
    who, count = ranked[0]
    if count <= best:
        return None
    held = [r for r in matrix.roles if who in {h.user_id for h in r.holders}]
    name = next((h.name for r in held for h in r.holders if h.user_id == who and h.name), who)
    current = accountable[0] if accountable else None
    candidates = [r.name for r in held if r.name in decision.letters] + [r.name for r in held]
    fix = next((role for role in candidates if role != current), None)
    return Drift(decision.name, current, who, name, tuple(tally.did[who]), fix)


def handed_over(decision: DecisionView, new_accountable: str) -> DecisionView:
    """The decision with `new_accountable` as its one Accountable (keeping its other letters);
    the previous Accountable role keeps its other letters, or becomes Consulted."""
    changes: dict[str, frozenset[str]] = {}
    for role in decision.roles_with("A"):
        if normalise(role) != normalise(new_accountable):
            kept = decision.letters[role] - {"A"}
            changes[role] = kept or frozenset({"C"})
    changes[new_accountable] = decision.letters.get(new_accountable, frozenset()) | {"A"}
    return with_letters(decision, changes)
