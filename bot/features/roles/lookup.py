"""Finding the decision a person means from how they ask: typos and word order forgiven."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.features.roles.matrix import DecisionView, Phrases, word_key

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


def find_decision(
    text: str, decisions: Sequence[DecisionView], phrases: Phrases | None = None
) -> LookupResult:
    """The decision `text` asks about; `phrases` are the decisions' prepared once (a matrix's
    `phrases`), else prepared here."""
    phrases = phrases or Phrases.of(decisions)
    query = clean_query(text)
    # Filler words can be part of a name ("release decision"): the fuller phrase may score higher.
    queries = tuple(
        dict.fromkeys(
            utils.default_process(q) for q in (query, clean_query(text, keep_ownership_words=True))
        )
    )
    # The words of exactly one decision's name or alias, in any order: the answer, as the
    # scorers below would find it (only equal words score 100), without scoring every phrase.
    exact = {i for q in queries if (key := word_key(q)) for i in phrases.exact.get(key, ())}
    if len(exact) == 1:
        return Found(query, decisions[exact.pop()], 100.0)
    # Only scores from MATCH_SCORE up can make an answer; the rest are scored when nothing is.
    scores = _best_score_per_decision(queries, phrases, MATCH_SCORE)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    if not ranked:
        scores = _best_score_per_decision(queries, phrases, 0)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return NotFound(query, tuple(decisions[i] for i, _ in ranked[:3]))
    best_score = ranked[0][1]
    rivals = [i for i, score in ranked if score >= max(MATCH_SCORE, best_score - CLOSE_CALL)]
    exact_scores = [i for i, score in ranked if score >= 100]
    if len(exact_scores) != 1 and len(rivals) > 1:
        return Ambiguous(query, tuple(decisions[i] for i in rivals[:4]))
    return Found(query, decisions[ranked[0][0]], best_score)


def _best_score_per_decision(
    queries: tuple[str, ...], phrases: Phrases, cutoff: float
) -> dict[int, float]:
    """Per decision, its best phrase's score against any of the (processed) queries: whole-
    phrase similarity (partial matches discounted) or the same words in any order; native
    passes over prepared phrases are far faster than one Python-level scorer."""
    best: dict[int, float] = {}
    for query in queries:
        # token_sort_ratio is `ratio` on sorted words, and the phrases' are sorted already.
        passes = ((query, phrases.texts, fuzz.WRatio), (word_key(query), phrases.words, fuzz.ratio))
        for asked, texts, scorer in passes:
            matches = process.extract(asked, texts, scorer=scorer, limit=None, score_cutoff=cutoff)
            for _phrase, score, position in matches:
                owner = phrases.owners[position]
                if score > best.get(owner, -1.0):
                    best[owner] = score
    return best
