"""The conformance tests run the features' examples as they are written."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def nothing_leaves_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """`/vote new from github …` is an example: its import meets a closed local port."""
    monkeypatch.setenv("ALIGNBOT_GITHUB_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ALIGNBOT_JIRA_URL", "")
