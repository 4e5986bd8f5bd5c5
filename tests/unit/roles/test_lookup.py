"""Fuzzy lookups over the PO/UX default: typos, word order, filler words, ambiguity."""

from __future__ import annotations

import pytest

from bot.features.roles.lookup import Ambiguous, Found, NotFound, clean_query, find_decision
from bot.features.roles.matrix import DecisionView
from bot.features.roles.template import DECISIONS

DEFAULT = tuple(DecisionView(name, aliases, {}) for name, aliases, _ in DECISIONS)


@pytest.mark.parametrize(
    ("asked", "decision"),
    [
        ("owns backlog priority", "Backlog ordering & prioritisation"),
        ("owns the roadmap?", "Product roadmap"),
        ("roadmpa", "Product roadmap"),
        ("priority backlog", "Backlog ordering & prioritisation"),
        ("acessibility signoff", "Accessibility sign-off"),
        ("acceptance critera", "Acceptance criteria"),
        ("who decides pricing", "Pricing & packaging"),
        ("is accountable for the design system", "Design system changes"),
        ("go live", "Release go/no-go"),
        ("KPIs", "KPI & success metric definition"),
        ("personas", "Journey maps & personas"),
        ("usability testing", "Usability testing"),
        ("a/b testing", "A/B test design"),
    ],
)
def test_finds_what_people_mean(asked: str, decision: str) -> None:
    result = find_decision(asked, DEFAULT)
    assert isinstance(result, Found), result
    assert result.decision.name == decision


@pytest.mark.parametrize("asked", ["design", "research", "release"])
def test_vague_questions_get_a_pick_list(asked: str) -> None:
    result = find_decision(asked, DEFAULT)
    assert isinstance(result, Ambiguous)
    assert 2 <= len(result.candidates) <= 4


@pytest.mark.parametrize("asked", ["the coffee machine", "x" * 10_000, "设计系统", "🙂🙂", "?"])
def test_nothing_close_says_so(asked: str) -> None:
    result = find_decision(asked, DEFAULT)
    assert isinstance(result, NotFound)
    assert len(result.nearest) <= 3


def test_no_decisions_at_all_is_not_found() -> None:
    assert isinstance(find_decision("roadmap", ()), NotFound)


def test_filler_words_are_dropped_but_never_everything() -> None:
    assert clean_query("Who owns the roadmap?") == "roadmap"
    assert clean_query("who owns") == "who owns"
