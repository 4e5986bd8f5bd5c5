"""`alignbot chat` driven through stdin/stdout, as a newcomer would use it after `make run`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.local.console import run_cli


def test_a_newcomer_asks_who_owns_backlog_priority(tmp_path: Path) -> None:
    result = run_cli(["chat", "--user", "ana"], "/who owns backlog priority\n:quit\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "== Backlog ordering & prioritisation ==" in result.stdout
    assert "Accountable: Product Owner" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_buttons_by_number_forms_as_prompts_and_people_by_at(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/role assign @ana Product Owner",
            "who owns design",
            "2",
            "/raci import",
            "decision,PO,Legal",
            "Data retention,R,A",
            ".",
            "/who owns data retention",
            ":as ben",
            "/role list",
            "",
        ]
    )
    result = run_cli(["chat", "--user", "ana"], script, tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "ana now holds the Product Owner role." in out
    assert "could mean several decisions" in out
    assert "== Design system changes ==" in out
    assert "Imported 1 decision" in out
    assert "Accountable: Legal: nobody assigned yet" in out
    assert "You are now @ben, not an admin" in out
    assert "Product Owner: @ana" in out
    assert out.rstrip().endswith("Bye.")


def test_demo_then_chat_shows_every_feature_with_data(tmp_path: Path) -> None:
    demo = run_cli(["demo"], "", tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "Traceback" not in demo.stdout + demo.stderr
    script = "who owns the roadmap?\n/vote list\n/insight search onboarding\n/digest\n"
    chat = run_cli(["chat", "--user", "ana"], script, tmp_path)
    assert "Accountable: Product Owner: @ana" in chat.stdout
    assert "Which epic do we take next quarter?" in chat.stdout
    assert "Half of new users abandon sign-up" in chat.stdout
    assert "Fridays at 16:00 (Europe/Berlin)" in chat.stdout
    assert "Consulted: UX Designer: @ben; Tech Lead: @dev; Stakeholder: @fay" in chat.stdout


@pytest.mark.parametrize("line", ["/nonsense", "/who " + "x" * 30_000, '/raci set "Oops', "3"])
def test_bad_input_gets_a_friendly_line_never_a_traceback(tmp_path: Path, line: str) -> None:
    result = run_cli(["chat", "--user", "ana"], f"{line}\n/who owns roadmap\n", tmp_path)
    assert result.returncode == 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "== Product roadmap ==" in result.stdout


def test_db_upgrade(tmp_path: Path) -> None:
    result = run_cli(["db", "upgrade"], "", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Database is up to date." in result.stdout
