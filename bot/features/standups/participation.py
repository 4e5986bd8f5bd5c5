"""Stand-up participation, defined once for the summary, `/standup stats` and the digest.

    participation = answered / (expected − away)

`expected`: the person-days a stand-up called for an answer (a member on a stand-up day; for
the digest, the prompts that went out). `away`: those of them the person was away for that
team and did not answer anyway. An answer always counts, even on a day marked away, so an
answer never disappears from the figures and nothing is ever above 100%.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

PersonDay = tuple[str, date]


@dataclass(frozen=True)
class Participation:
    answered: int
    due: int  # expected − away
    away: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.due if self.due else None


def participation(
    expected: Collection[PersonDay],
    answered: Collection[PersonDay],
    is_away: Callable[[str, date], bool],
) -> Participation:
    """Answers outside `expected` (say, after the person left the team) are not counted."""
    given = set(answered) & set(expected)
    away = {(who, day) for who, day in set(expected) - given if is_away(who, day)}
    return Participation(len(given), len(set(expected)) - len(away), len(away))
