"""One Chromium for the session, a fresh playground (database, demo team, clock) per test,
and a screenshot under tmp/artifacts/ when a test fails."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import CHROMIUM_ARGS, LivePlayground, chromium_or_skip

MONDAY_MORNING = datetime(2030, 1, 7, 6, 0, tzinfo=UTC)  # before anyone's 09:30 but Kolkata's
ARTIFACTS = Path(os.environ.get("ALIGNBOT_ARTIFACTS", "tmp/artifacts"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome: Any = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[FAILED] = report.failed


FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="module")
def browser(migrated_sqlite: Path) -> Iterator[Any]:
    """Chromium for the journeys module. Playwright's sync API keeps an event loop running in
    this thread while it lives, so it starts after the database template (asyncio.run) and
    stops with the module, before any other suite's async tests run here."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live(tmp_path: Path, migrated_sqlite: Path) -> Iterator[LivePlayground]:
    server = LivePlayground(tmp_path / "playground.db", MONDAY_MORNING)
    server.copy_database_from(migrated_sqlite)
    with server:
        yield server


@pytest.fixture
def page(browser: Any, live: LivePlayground, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.goto(live.url + "?as=ana")
    tab.wait_for_selector("li.msg")
    yield tab
    if request.node.stash.get(FAILED, False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
