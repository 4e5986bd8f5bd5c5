"""Tally time per voting method for 10,000 ballots x 30 items (quick: 1,000 ballots)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from bench import Result
from bot.features.votes.tally import MOSCOW, Method, Payload, tally

ITEMS = 30
IMPACTS = (0.25, 0.5, 1.0, 2.0, 3.0)


def _ballot_maker(method: Method, rng: random.Random) -> Callable[[], Payload]:
    """Realistic random ballots: partial rankings, a few picks, dots spread unevenly."""
    items = list(range(ITEMS))

    def single() -> Payload:
        return [rng.randrange(ITEMS)]

    def multi() -> Payload:
        return sorted(rng.sample(items, 5))

    def dot() -> Payload:
        counts = [0] * ITEMS
        for _ in range(10):
            counts[rng.randrange(ITEMS)] += 1
        return counts

    def ranked() -> Payload:
        return rng.sample(items, ITEMS)  # full rankings: the slowest case for pairwise counts

    def moscow() -> Payload:
        return [rng.choice(MOSCOW) for _ in items]

    def rice() -> Payload:
        return [
            [
                rng.randrange(0, 5000),
                rng.choice(IMPACTS),
                rng.randrange(0, 101),
                rng.randrange(1, 13),
            ]
            for _ in items
        ]

    makers: dict[Method, Callable[[], Payload]] = {
        Method.SINGLE: single,
        Method.MULTI: multi,
        Method.DOT: dot,
        Method.RANKED: ranked,
        Method.MOSCOW: moscow,
        Method.RICE: rice,
    }
    return makers[method]


async def measure(quick: bool) -> list[Result]:
    voters = 1_000 if quick else 10_000
    rng = random.Random(6)
    results: list[Result] = []
    for method in Method:
        make = _ballot_maker(method, rng)
        ballots = [make() for _ in range(voters)]
        started = time.perf_counter()
        tally(method, ITEMS, ballots)
        elapsed = time.perf_counter() - started
        results.append(
            Result(
                "vote_tally",
                f"{method.value}: {voters:,} ballots x {ITEMS} items",
                f"{elapsed * 1000:.0f} ms",
            )
        )
    return results
