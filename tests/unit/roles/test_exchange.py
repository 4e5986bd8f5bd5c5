"""CSV/YAML round trips and the validation that keeps the matrix sound."""

from __future__ import annotations

import re

import pytest

from bot.errors import UserError
from bot.features.roles import exchange
from bot.features.roles.matrix import (
    DecisionView,
    Holder,
    Matrix,
    RoleView,
    check,
    parse_letters,
)

MATRIX = Matrix(
    decisions=(
        DecisionView(
            "Roadmap", ("plan",), {"Product Owner": frozenset("AR"), "UX Designer": frozenset("C")}
        ),
        DecisionView(
            "Design system", (), {"UX Designer": frozenset("AR"), "Tech Lead": frozenset("C")}
        ),
    ),
    roles=(RoleView("Product Owner"), RoleView("UX Designer"), RoleView("Tech Lead")),
)


@pytest.mark.parametrize("export", [exchange.to_csv, exchange.to_yaml])
def test_export_then_import_gives_the_same_decisions(export: object) -> None:
    assert callable(export)
    parsed = exchange.parse(export(MATRIX))
    assert [(d.name, d.aliases, dict(d.letters)) for d in parsed] == [
        (d.name, d.aliases, dict(d.letters)) for d in MATRIX.decisions
    ]


def test_csv_without_aliases_column_and_with_code_fences() -> None:
    parsed = exchange.parse("```\ndecision,Product Owner,Tech Lead\nRoadmap,A/R,c\n```")
    assert dict(parsed[0].letters) == {
        "Product Owner": frozenset("AR"),
        "Tech Lead": frozenset("C"),
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Paste the CSV"),
        ("name,PO\nRoadmap,A", "header starting with `decision`"),
        ("decision\nRoadmap", "names no roles"),
        ("decision,PO,TL\nRoadmap,A,A", "2 Accountable roles"),
        ("decision,PO,TL\nRoadmap,R,C", "no Accountable role"),
        ("decision,PO\nRoadmap,X", "is not R, A, C or I"),
        ("decision,PO\nRoadmap,A\nroadmap,A", "appears twice"),
        ("decision,PO\nRoadmap,A,C", "more cells than role columns"),
        ("decision,PO\n", "No decisions found"),
        ("decisions: [", "doesn't parse"),
        ("decisions: 3", "needs a `decisions:` list"),
        ("decisions:\n- name: X", "needs `name` and a `raci:`"),
        ("decisions:\n- name: X\n  aliases: 5\n  raci: {PO: A}", "`aliases` must be a list"),
        ("decision,PO\n" + "x" * 300 + ",A", "at most 200 characters"),
    ],
)
def test_bad_imports_are_refused_with_reasons(body: str, message: str) -> None:
    with pytest.raises(UserError, match=re.escape(message)):
        exchange.parse(body)


def test_every_problem_is_reported_at_once() -> None:
    body = "decision,PO,TL\nA1,A,A\nA2,R,C\nA3,Q,A"
    with pytest.raises(UserError) as error:
        exchange.parse(body)
    assert "row 2" in error.value.message
    assert "row 3" in error.value.message
    assert "row 4" in error.value.message


@pytest.mark.parametrize(
    ("raw", "letters"), [("A/R", "AR"), ("r,a", "AR"), ("-", ""), ("", ""), (" i ", "I")]
)
def test_letters_are_read_generously(raw: str, letters: str) -> None:
    assert parse_letters(raw, where="x") == frozenset(letters)


def test_check_reports_unstaffed_and_missing_responsible() -> None:
    matrix = Matrix(
        decisions=(DecisionView("Pricing", (), {"Stakeholder": frozenset("A")}),),
        roles=(RoleView("Stakeholder", (Holder("U1", "Ana"),)), RoleView("Product Owner")),
    )
    assert check(matrix) == ["“Pricing” has no Responsible role: who does the work?"]
    unstaffed = Matrix(matrix.decisions, (RoleView("Stakeholder"),))
    assert any("nobody holds that role" in p for p in check(unstaffed))
