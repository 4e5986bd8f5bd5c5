"""Stand-up questions: how a team writes them (one per line) and what each one is for."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from storage.models.standups import StandupTeam
from storage.repositories.standups import questions_of

MAX_QUESTIONS = 10
MAX_QUESTION_CHARS = 150
OPTIONAL_SUFFIX = re.compile(r"\s*\(optional\)\s*$", re.IGNORECASE)


class Kind(StrEnum):
    """What a question is for: the summary pulls blockers up, the form pre-fills yesterday."""

    YESTERDAY = "yesterday"
    TODAY = "today"
    BLOCKERS = "blockers"
    OTHER = "other"


_KIND_PATTERNS = (
    (Kind.BLOCKERS, re.compile(r"block|imped|stuck|in your way", re.IGNORECASE)),
    (Kind.YESTERDAY, re.compile(r"yesterday|last (stand-?up|time|working day)|did you", re.I)),
    (Kind.TODAY, re.compile(r"\btoday\b|will you|plan", re.IGNORECASE)),
)


@dataclass(frozen=True)
class Question:
    text: str
    kind: Kind = Kind.OTHER
    required: bool = True

    def as_line(self) -> str:
        return self.text if self.required else f"{self.text} (optional)"


DEFAULT_QUESTIONS = (
    Question("What did you do yesterday?", Kind.YESTERDAY),
    Question("What will you do today?", Kind.TODAY),
    Question("Any blockers?", Kind.BLOCKERS),
)


class QuestionError(ValueError):
    """The questions as written cannot be used; the message says why."""


def parse_questions(text: str) -> tuple[Question, ...]:
    """One question per line; a missing `?` is added; `(optional)` at the end marks optional."""
    lines = [line.strip(" \t-•*") for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise QuestionError("Please write at least one question, one per line.")
    if len(lines) > MAX_QUESTIONS:
        raise QuestionError(f"Up to {MAX_QUESTIONS} questions, please (you wrote {len(lines)}).")
    questions = [_parse_line(line) for line in lines]
    seen: set[str] = set()
    for question in questions:
        if question.text.lower() in seen:
            raise QuestionError(f"“{question.text}” is there twice.")
        seen.add(question.text.lower())
    return _assign_kinds(questions)


def _parse_line(line: str) -> Question:
    required = OPTIONAL_SUFFIX.search(line) is None
    body = OPTIONAL_SUFFIX.sub("", line).strip()
    if not body:
        raise QuestionError("A line holds only “(optional)”; write the question before it.")
    if len(body) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"Questions can be up to {MAX_QUESTION_CHARS} characters; one has {len(body)}."
        )
    if body[-1] not in "?.!:":
        body += "?"
    return Question(body, Kind.OTHER, required)


def _assign_kinds(questions: Sequence[Question]) -> tuple[Question, ...]:
    """Each special kind goes to the first question that reads like it, at most once."""
    taken: set[Kind] = set()
    out: list[Question] = []
    for question in questions:
        kind = next(
            (
                k
                for k, pattern in _KIND_PATTERNS
                if k not in taken and pattern.search(question.text)
            ),
            Kind.OTHER,
        )
        if kind is not Kind.OTHER:
            taken.add(kind)
        out.append(Question(question.text, kind, question.required))
    return tuple(out)


def load_questions(team: StandupTeam) -> tuple[Question, ...]:
    return tuple(Question(q.text, Kind(q.kind), q.required) for q in questions_of(team))


def questions_text(questions: Sequence[Question]) -> str:
    """The questions as the set-up form shows them, for editing."""
    return "\n".join(question.as_line() for question in questions)
