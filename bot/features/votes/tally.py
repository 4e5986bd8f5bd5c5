"""Pure tallies for every voting method: no I/O, deterministic, ties kept visible.

Ballots arrive as the JSON lists the feature stores (already validated):
  single, multi: chosen item indexes            dot: dots per item (one count per item)
  ranked: item indexes, best first (may be partial; unranked items tie below the ranked ones)
  moscow: one of "M", "S", "C", "W" per item    rice: [reach, impact, confidence %, effort] per item

Tie rule, for every method: a higher score ranks first; equal scores share a rank and are
flagged `tied`; among tied items the one listed earlier in the poll is shown first. Nothing
random, so the same ballots always give the same result, in any order.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

Payload = list[Any]


class Method(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    DOT = "dot"
    RANKED = "ranked"
    MOSCOW = "moscow"
    RICE = "rice"


MOSCOW = ("M", "S", "C", "W")
MOSCOW_NAMES = {"M": "Must", "S": "Should", "C": "Could", "W": "Won't"}
MOSCOW_WEIGHT = {"M": 3, "S": 2, "C": 1, "W": 0}
MAX_REACH = 1_000_000_000  # people per period: beyond any team's audience
MIN_EFFORT, MAX_EFFORT = 0.05, 1_000.0  # person-months: about a day up to 80 person-years


@dataclass(frozen=True)
class Placed:
    """One item's place in a result: `score` is what the bar shows, `note` the detail."""

    index: int
    score: float
    rank: int
    tied: bool
    note: str = ""


@dataclass(frozen=True)
class Result:
    method: Method
    ballots: int
    order: tuple[Placed, ...]
    schulze: tuple[Placed, ...] = ()  # ranked choice only: Schulze (winning votes) with ties
    condorcet: int | None = None  # ranked choice only: the item beating every other, if any

    @property
    def winners(self) -> tuple[int, ...]:
        return tuple(p.index for p in self.order if p.rank == 1) if self.ballots else ()

    @property
    def schulze_winners(self) -> tuple[int, ...]:
        return tuple(p.index for p in self.schulze if p.rank == 1) if self.ballots else ()


def place(
    keys: Sequence[tuple[float, ...]],
    scores: Sequence[float],
    notes: Sequence[str] | None = None,
) -> tuple[Placed, ...]:
    """Orders items by key (higher first); equal keys share a rank (1, 2, 2, 4) as a tie."""
    order = sorted(range(len(keys)), key=lambda i: (tuple(-k for k in keys[i]), i))
    placed: list[Placed] = []
    for position, index in enumerate(order):
        same_as_previous = bool(placed) and keys[placed[-1].index] == keys[index]
        rank = placed[-1].rank if same_as_previous else position + 1
        tied = sum(1 for key in keys if key == keys[index]) > 1
        placed.append(Placed(index, scores[index], rank, tied, notes[index] if notes else ""))
    return tuple(placed)


def _counted(counts: Sequence[float], unit: str) -> tuple[Placed, ...]:
    return place([(c,) for c in counts], counts, [unit] * len(counts))


def single(n: int, ballots: Sequence[Payload]) -> Result:
    counts = [0] * n
    for ballot in ballots:
        for index in ballot:
            counts[index] += 1
    return Result(Method.SINGLE, len(ballots), _counted(counts, "votes"))


def multi(n: int, ballots: Sequence[Payload]) -> Result:
    result = single(n, ballots)
    return Result(Method.MULTI, result.ballots, result.order)


def dot(n: int, ballots: Sequence[Payload]) -> Result:
    totals = [0] * n
    for ballot in ballots:
        for index, dots in enumerate(ballot):
            totals[index] += dots
    return Result(Method.DOT, len(ballots), _counted(totals, "dots"))


def borda_points(n: int, ballots: Sequence[Payload]) -> list[float]:
    """n-1 points for first, n-2 for second...; unranked items share the points left over."""
    doubled = [0] * n  # half points appear when unranked items share; doubling keeps it exact
    for ballot in ballots:
        ranked = set(ballot)
        for position, index in enumerate(ballot):
            doubled[index] += 2 * (n - 1 - position)
        left = n - len(ballot)
        for index in range(n):
            if index not in ranked:
                doubled[index] += left - 1
    return [d / 2 for d in doubled]


def pairwise(n: int, ballots: Sequence[Payload]) -> list[list[int]]:
    """d[i][j]: how many ballots put i above j (ranked above unranked; unranked tie)."""
    d = [[0] * n for _ in range(n)]
    for ballot in ballots:
        ranked = set(ballot)
        below = [i for i in range(n) if i not in ranked]
        for position, index in enumerate(ballot):
            row = d[index]
            for other in ballot[position + 1 :]:
                row[other] += 1
            for other in below:
                row[other] += 1
    return d


def strongest_paths(d: Sequence[Sequence[int]]) -> list[list[int]]:
    """Schulze's widest paths through the pairwise-defeat graph (Floyd–Warshall). A defeat's
    strength is its winning votes: how many ballots put the winner of the pair above the loser."""
    n = len(d)
    p = [[d[i][j] if i != j and d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
    for k in range(n):
        pk = p[k]
        for i in range(n):
            if i == k:
                continue
            pik = p[i][k]
            if pik == 0:
                continue
            pi = p[i]
            for j in range(n):
                if j != i and j != k:
                    via = pik if pik < pk[j] else pk[j]
                    if via > pi[j]:
                        pi[j] = via
    return p


def condorcet_winner(d: Sequence[Sequence[int]]) -> int | None:
    n = len(d)
    for i in range(n):
        if all(d[i][j] > d[j][i] for j in range(n) if j != i):
            return i
    return None


def schulze_tiers(p: Sequence[Sequence[int]]) -> list[list[int]]:
    """The Schulze order with ties: the first tier is every item no other item beats by a
    stronger path (p[j][i] > p[i][j]); each next tier is the unbeaten among those left.

    Schulze's relation is transitive, so an item never lands above one that beats it."""
    left = list(range(len(p)))
    tiers: list[list[int]] = []
    while left:
        tier = [i for i in left if not any(p[j][i] > p[i][j] for j in left if j != i)]
        tiers.append(tier)
        left = [i for i in left if i not in tier]
    return tiers


def _schulze_order(p: Sequence[Sequence[int]]) -> tuple[Placed, ...]:
    n = len(p)
    placed: list[Placed] = []
    for tier in schulze_tiers(p):
        rank = len(placed) + 1
        for index in tier:
            beats = sum(1 for j in range(n) if j != index and p[index][j] > p[j][index])
            placed.append(Placed(index, beats, rank, len(tier) > 1, f"beats {beats} of {n - 1}"))
    return tuple(placed)


def ranked(n: int, ballots: Sequence[Payload]) -> Result:
    points = borda_points(n, ballots)
    borda = place([(p,) for p in points], points, ["points"] * n)
    d = pairwise(n, ballots)
    schulze = _schulze_order(strongest_paths(d))
    return Result(Method.RANKED, len(ballots), borda, schulze, condorcet_winner(d))


def moscow_counts(n: int, ballots: Sequence[Payload]) -> list[dict[str, int]]:
    counts = [dict.fromkeys(MOSCOW, 0) for _ in range(n)]
    for ballot in ballots:
        for index, category in enumerate(ballot):
            counts[index][category] += 1
    return counts


def majority(count: dict[str, int]) -> list[str]:
    """The most chosen categories (several when tied), most important first."""
    top = max(count.values())
    return [c for c in MOSCOW if count[c] == top] if top else []


def moscow(n: int, ballots: Sequence[Payload]) -> Result:
    """Each item lands where most voters put it; the average weight (Must 3 … Won't 0) orders
    items within a class and is the score shown."""
    counts = moscow_counts(n, ballots)
    keys: list[tuple[float, ...]] = []
    scores: list[float] = []
    notes: list[str] = []
    for count in counts:
        top = majority(count)
        share = count[top[0]] / len(ballots) if top else 0.0
        weight = sum(MOSCOW_WEIGHT[c] * k for c, k in count.items()) / max(len(ballots), 1)
        keys.append((-MOSCOW.index(top[0]) if top else -len(MOSCOW), weight))
        scores.append(round(weight, 2))
        label = "/".join(MOSCOW_NAMES[c] for c in top) + (" (tie)" if len(top) > 1 else "")
        spread = " ".join(f"{c}{count[c]}" for c in MOSCOW)
        notes.append(f"{label or 'no votes'} {round(100 * share)}% · {spread}")
    return Result(Method.MOSCOW, len(ballots), place(keys, scores, notes))


def rice_medians(n: int, ballots: Sequence[Payload]) -> list[tuple[float, float, float, float]]:
    if not ballots:
        return [(0.0, 0.0, 0.0, 1.0)] * n
    medians: list[tuple[float, float, float, float]] = []
    for per_item in zip(*ballots, strict=True):  # every voter's four scores for one item
        r, i, c, e = (float(statistics.median(part)) for part in zip(*per_item, strict=True))
        medians.append((r, i, c, e))
    return medians


def rice_score(reach: float, impact: float, confidence: float, effort: float) -> float:
    """Reach x Impact x Confidence / Effort, each held to the bounds a ballot may carry, so a
    ballot stored before those bounds existed still gives a finite score."""
    reach = min(max(reach, 0.0), MAX_REACH) if math.isfinite(reach) else 0.0
    impact = min(max(impact, 0.0), 3.0) if math.isfinite(impact) else 0.0
    confidence = min(max(confidence, 0.0), 100.0) if math.isfinite(confidence) else 0.0
    effort = min(max(effort, MIN_EFFORT), MAX_EFFORT) if math.isfinite(effort) else MAX_EFFORT
    return round(reach * impact * (confidence / 100) / effort, 2)


def rice(n: int, ballots: Sequence[Payload]) -> Result:
    """Score = median Reach x median Impact x median Confidence / median Effort."""
    medians = rice_medians(n, ballots)
    scores = [rice_score(r, i, c, e) for r, i, c, e in medians]
    notes = [f"R {r:g} · I {i:g} · C {c:g}% · E {e:g}" for r, i, c, e in medians]
    return Result(Method.RICE, len(ballots), place([(s,) for s in scores], scores, notes))


TALLIES: dict[Method, Callable[[int, Sequence[Payload]], Result]] = {
    Method.SINGLE: single,
    Method.MULTI: multi,
    Method.DOT: dot,
    Method.RANKED: ranked,
    Method.MOSCOW: moscow,
    Method.RICE: rice,
}


def tally(method: Method, n: int, ballots: Sequence[Payload]) -> Result:
    return TALLIES[method](n, ballots)
