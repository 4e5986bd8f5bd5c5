"""The playground served from a background thread (its own event loop), so the synchronous
Playwright API can drive it from the test; and the system Chromium, found or explained."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from adapters.local.web.playground import Playground, PlaygroundClock
from adapters.local.web.server import running_playground
from bot.settings import Settings

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    """Debian's Chromium; required in CI (`.ci/run` installs it), else the tests skip."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    missing = "Chromium is not installed (apt-get install chromium chromium-driver)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path, missing = None, "playwright is not installed (pip install -e '.[dev]')"
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}; browser tests are required in CI")
        pytest.skip(missing)
    return path


@dataclass
class LivePlayground:
    """A fresh playground on a free loopback port, its clock starting at `start`."""

    database: Path
    start: datetime
    url: str = ""
    playground: Playground | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Event | None = None
    _ready: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _error: BaseException | None = None

    def __enter__(self) -> LivePlayground:
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)
        self._thread.start()
        if not self._ready.wait(60) or self._error is not None:
            raise RuntimeError("the playground did not start") from self._error
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(30)

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            ALIGNBOT_ADMINS="",
            ALIGNBOT_DATABASE_URL=f"sqlite+aiosqlite:///{self.database}",
        )
        clock = PlaygroundClock()
        clock.move_to(self.start)
        try:
            async with running_playground(settings, 0, clock=clock) as (playground, url):
                self.playground, self.url = playground, url
                self._ready.set()
                await self._stop.wait()
        except BaseException as error:
            self._error = error
            self._ready.set()
            raise

    def copy_database_from(self, template: Path) -> None:
        shutil.copy(template, self.database)
