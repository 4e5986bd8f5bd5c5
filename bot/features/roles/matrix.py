"""The RACI matrix as plain values, and the rules every change must keep."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import utils

from bot.errors import UserError

LETTERS = "RACI"
LETTER_NAMES = {
    "A": "Accountable",
    "R": "Responsible",
    "C": "Consulted",
    "I": "Informed",
}
DISPLAY_ORDER = ("A", "R", "C", "I")
MAX_DECISION_CHARS = 200
MAX_ROLE_CHARS = 80
MAX_ALIASES = 20


def normalise(name: str) -> str:
    """The key two spellings of one name share: case, spacing and punctuation folded."""
    return " ".join(re.sub(r"[^\w&/+]+", " ", name.casefold()).split())


def parse_letters(raw: str, *, where: str) -> frozenset[str]:
    """`A`, `AR`, `A/R`, `r,a` -> {A, R}; `-` or empty clears."""
    cleaned = re.sub(r"[\s/,+&]", "", raw.upper())
    if cleaned in {"", "-"}:
        return frozenset()
    unknown = sorted(set(cleaned) - set(LETTERS))
    if unknown:
        raise UserError(
            f"{where}: `{raw[:20]}` is not R, A, C or I. Use letters like `A`, `R`, `A/R`, or `-` "
            "to clear."
        )
    return frozenset(cleaned)


def format_letters(letters: Iterable[str]) -> str:
    return "/".join(letter for letter in DISPLAY_ORDER if letter in set(letters))


@dataclass(frozen=True)
class Holder:
    user_id: str
    name: str


@dataclass(frozen=True)
class RoleView:
    name: str
    holders: tuple[Holder, ...] = ()


@dataclass(frozen=True)
class DecisionView:
    name: str
    aliases: tuple[str, ...] = ()
    letters: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def roles_with(self, letter: str) -> list[str]:
        return [role for role, held in self.letters.items() if letter in held]

    @property
    def key(self) -> str:
        return normalise(self.name)


def word_key(processed: str) -> str:
    """The words of a phrase in order: two phrases match exactly, in any word order, when
    their keys are equal (what rapidfuzz scores 100)."""
    return " ".join(sorted(processed.split()))


@dataclass(frozen=True)
class Phrases:
    """Every name and alias of some decisions as matching compares them (rapidfuzz's default
    processing), prepared once per matrix instead of once per question."""

    texts: tuple[str, ...]
    words: tuple[str, ...]  # each text's `word_key`: token_sort_ratio is `ratio` on these
    owners: tuple[int, ...]  # the index of the decision each text names
    exact: Mapping[str, frozenset[int]]  # a `word_key` -> the decisions with a text of it

    @classmethod
    def of(cls, decisions: Sequence[DecisionView]) -> Phrases:
        texts: list[str] = []
        owners: list[int] = []
        exact: dict[str, set[int]] = {}
        for index, decision in enumerate(decisions):
            for phrase in (decision.name, *decision.aliases):
                texts.append(utils.default_process(phrase))
                owners.append(index)
        words = tuple(word_key(text) for text in texts)
        for key, owner in zip(words, owners, strict=True):
            if key:
                exact.setdefault(key, set()).add(owner)
        frozen = {key: frozenset(indexes) for key, indexes in exact.items()}
        return cls(tuple(texts), words, tuple(owners), frozen)


@dataclass(frozen=True)
class Matrix:
    decisions: tuple[DecisionView, ...]
    roles: tuple[RoleView, ...]
    is_default: bool = False

    @cached_property
    def phrases(self) -> Phrases:
        """Built on first use and kept with the matrix (which the roles cache keeps)."""
        return Phrases.of(self.decisions)

    def role(self, name: str) -> RoleView | None:
        return self._roles_by_key.get(normalise(name))

    @cached_property
    def _roles_by_key(self) -> dict[str, RoleView]:
        """Every answer asks for each of its roles by name: keyed once per (cached) matrix."""
        keyed: dict[str, RoleView] = {}
        for role in self.roles:
            keyed.setdefault(normalise(role.name), role)
        return keyed

    def decision(self, name: str) -> DecisionView | None:
        key = normalise(name)
        return next((d for d in self.decisions if d.key == key), None)


def accountable_problem(decision: DecisionView) -> str | None:
    """Why a decision breaks the one-Accountable rule, or None when it keeps it."""
    accountable = decision.roles_with("A")
    if len(accountable) == 1:
        return None
    if not accountable:
        return f"“{decision.name}” has no Accountable role; exactly one role must be A."
    return (
        f"“{decision.name}” would have {len(accountable)} Accountable roles "
        f"({', '.join(accountable)}); exactly one role must be A (others can be R, C or I)."
    )


def require_one_accountable(decision: DecisionView) -> None:
    problem = accountable_problem(decision)
    if problem:
        raise UserError(problem)


def check(matrix: Matrix) -> list[str]:
    """Everything worth fixing in a matrix, worst first."""
    problems = [p for d in matrix.decisions if (p := accountable_problem(d))]
    for decision in matrix.decisions:
        if not decision.roles_with("R"):
            problems.append(f"“{decision.name}” has no Responsible role: who does the work?")
    staffed = {normalise(role.name) for role in matrix.roles if role.holders}
    for decision in matrix.decisions:
        for letter in ("A", "R"):
            for role in decision.roles_with(letter):
                if normalise(role) not in staffed:
                    problems.append(
                        f"“{decision.name}”: {role} is {LETTER_NAMES[letter]} but nobody holds "
                        "that role yet."
                    )
    return problems


def validate_decision_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserError("Give the decision a name, e.g. `“Release go/no-go”`.")
    if len(name) > MAX_DECISION_CHARS:
        raise UserError(
            f"A decision name can be at most {MAX_DECISION_CHARS} characters "
            f"(that one has {len(name)})."
        )
    return name


def validate_role_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserError("Give the role a name, e.g. `UX Researcher`.")
    if len(name) > MAX_ROLE_CHARS:
        raise UserError(f"A role name can be at most {MAX_ROLE_CHARS} characters.")
    if not re.search(r"\w", name):
        raise UserError("A role name needs at least one letter or digit.")
    return name
