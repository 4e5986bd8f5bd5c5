"""Research behind backlog items, as votes and the digest weigh it.

Insights link to backlog items by text (case and spacing ignored), within one product team;
only live, public insights count, so nothing shown in a channel hints at a private one.

RICE Confidence from evidence: each insight's confidence maps to the RICE scale (high 100%,
medium 80%, low 50%, Intercom's original steps), and an item takes the **highest** of its
linked insights. The strongest study behind an item is what its estimate rests on; averaging
would let a quick low-confidence note lower a well-supported item, so adding research could
only ever hurt. No linked insight: no figure (the voter estimates alone).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.repositories import evidence as stored
from storage.repositories.insights import item_key

CONFIDENCE_PERCENT = {"low": 50, "medium": 80, "high": 100}


@dataclass(frozen=True)
class Evidence:
    """One public insight behind an item (or not used by any vote)."""

    insight_id: int
    title: str
    confidence: str  # low, medium or high

    @property
    def percent(self) -> int:
        return CONFIDENCE_PERCENT.get(self.confidence, CONFIDENCE_PERCENT["low"])


@dataclass(frozen=True)
class ItemEvidence:
    item: str  # as the caller gave it
    insights: tuple[Evidence, ...]  # oldest first, each once

    @property
    def confidence_percent(self) -> int | None:
        """RICE Confidence: the highest of the linked insights', None without evidence."""
        return max((i.percent for i in self.insights), default=None)


@dataclass(frozen=True)
class Ranked:
    """An item's place in a vote's result: `rank` 1 is first (ties share a rank)."""

    item: str
    rank: int
    score: float


@dataclass(frozen=True)
class UnusedInsight:
    """A public insight that no vote refers to; `items` empty: it links to no backlog item."""

    insight: Evidence
    published_at: datetime
    items: tuple[str, ...]


async def evidence_for_items(
    session: AsyncSession, team_id: int, items: Sequence[str]
) -> dict[str, ItemEvidence]:
    """Per item (keyed and ordered as given): the team's live public insights linked to it."""
    links = await stored.public_links(session, team_id, items)
    by_key: dict[str, dict[int, Evidence]] = {}
    for link in links:
        found = Evidence(link.insight_id, link.title, link.confidence)
        by_key.setdefault(link.item_key, {})[link.insight_id] = found
    return {
        item: ItemEvidence(item, tuple(by_key.get(item_key(item), {}).values())) for item in items
    }


def top_third(ranked: Sequence[Ranked]) -> list[str]:
    """Items placed in the top third of all `ranked` items (rank within ceil(n/3), ties
    included); an item nobody backed (score 0 or less) is not ranked anywhere."""
    cutoff = math.ceil(len(ranked) / 3)
    return [r.item for r in ranked if r.rank <= cutoff and r.score > 0]


def without_evidence(top: Sequence[str], evidence: Mapping[str, ItemEvidence]) -> list[str]:
    """The items among `top` that no public insight supports."""
    return [item for item in top if not (item in evidence and evidence[item].insights)]


async def unevidenced_leaders(
    session: AsyncSession, team_id: int, ranked: Sequence[Ranked]
) -> list[str]:
    """A vote's items ranked in the top third that no public insight supports (`ranked`: all
    its items), in rank order; none on a vote where research backs no item at all, since a
    team that links no research would see every leader flagged, which tells it nothing."""
    found = await evidence_for_items(session, team_id, [r.item for r in ranked])
    if not any(e.insights for e in found.values()):
        return []
    return without_evidence(top_third(ranked), found)


async def insights_no_vote_uses(
    session: AsyncSession, team_id: int, since: datetime, until: datetime
) -> list[UnusedInsight]:
    """Public insights published in [since, until) that no vote refers to, oldest first: no
    vote of the team open at any time from the insight's publication to `until` lists one of
    its backlog items."""
    return [
        UnusedInsight(Evidence(i.insight_id, i.title, i.confidence), i.created_at, i.items)
        for i in await stored.unreferenced(session, team_id, since, until)
    ]
