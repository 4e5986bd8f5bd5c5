"""Finding the decision a person means from how they ask: typos and word order forgiven."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.features.roles.matrix import DecisionView

# Words people wrap around the decision itself: "who owns the roadmap?", "who decides on X".
QUESTION_WORDS = re.compile(
    r"\b(who|whos|who's|owns?|of|is|are|the|a|an|for|on|about|our|this|that|please|does|do)\b",
    re.IGNORECASE,
)
# Words that usually wrap the decision but can belong to its name ("release decision").
OWNERSHIP_WORDS = re.compile(
    r"\b(owner|decides?|decision|accountable|responsible|in charge|charge|approves?|"
    r"signs? off|makes?|call|final|say)\b",
    re.IGNORECASE,
)
PUNCTUATION = re.compile(r"[?!.,;:\"“”']")
MATCH_SCORE = 72
CLOSE_CALL = 6  # points: within this of the best, another decision is a real alternative


@dataclass(frozen=True)
class Found:
    query: str
    decision: DecisionView
    score: float


@dataclass(frozen=True)
class Ambiguous:
    query: str
    candidates: tuple[DecisionView, ...]


@dataclass(frozen=True)
class NotFound:
    query: str
    nearest: tuple[DecisionView, ...]


LookupResult = Found | Ambiguous | NotFound


def clean_query(text: str, *, keep_ownership_words: bool = False) -> str:
    stripped = QUESTION_WORDS.sub(" ", text)
    if not keep_ownership_words:
        stripped = OWNERSHIP_WORDS.sub(" ", stripped)
    stripped = " ".join(PUNCTUATION.sub(" ", stripped).split())
    return stripped or " ".join(text.split())


def find_decision(text: str, decisions: Sequence[DecisionView]) -> LookupResult:
    query = clean_query(text)
    scores = _best_score_per_decision(query, decisions)
    # Filler words can be part of a name ("release decision"): the fuller phrase may score higher.
    fuller = clean_query(text, keep_ownership_words=True)
    if fuller != query:
        for index, score in _best_score_per_decision(fuller, decisions).items():
            scores[index] = max(scores.get(index, 0.0), score)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    by_index = {index: decisions[index] for index in scores}
    if not ranked or ranked[0][1] < MATCH_SCORE:
        return NotFound(query, tuple(by_index[i] for i, _ in ranked[:3]))
    best_score = ranked[0][1]
    rivals = [i for i, score in ranked if score >= max(MATCH_SCORE, best_score - CLOSE_CALL)]
    exact = [i for i, score in ranked if score >= 100]
    if len(exact) != 1 and len(rivals) > 1:
        return Ambiguous(query, tuple(by_index[i] for i in rivals[:4]))
    return Found(query, by_index[ranked[0][0]], best_score)


def _best_score_per_decision(query: str, decisions: Sequence[DecisionView]) -> dict[int, float]:
    choices: list[str] = []
    owners: list[int] = []
    for index, decision in enumerate(decisions):
        for phrase in (decision.name, *decision.aliases):
            choices.append(phrase)
            owners.append(index)
    # Whole-phrase similarity (partial matches discounted) or the same words in any order;
    # two native passes are far faster than one Python-level scorer.
    best: dict[int, float] = {}
    for scorer in (fuzz.WRatio, fuzz.token_sort_ratio):
        matches = process.extract(
            query, choices, scorer=scorer, processor=utils.default_process, limit=None
        )
        for _phrase, score, position in matches:
            owner = owners[position]
            best[owner] = max(best.get(owner, 0.0), score)
    return best
