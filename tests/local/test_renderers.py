"""Every outcome reaches the console and the playground page through their one renderer:
replies, in-place updates, forms, refused and multi-page submissions alike."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.local import console_render
from adapters.local.console import ConsoleChat
from adapters.local.terminal import Board, Terminal
from adapters.local.web import render as page_render
from adapters.local.web.playground import PLATFORM, Playground, PlaygroundClock
from adapters.local.web.server import build_app
from bot.app import AlignBot
from bot.context import Context
from bot.events import Event
from bot.ports import MessengerHub
from bot.replies import Outcome
from bot.scheduler import Scheduler
from bot.settings import Settings
from storage.db import Database
from tests.slack.probe import probe_feature

OUTCOME_KINDS = {"Reply", "Form", "FormErrors"}
Spied = tuple[list[Outcome], list[tuple[Outcome, Any]]]


def spy(monkeypatch: pytest.MonkeyPatch, renderer: type[Any]) -> Spied:
    """What the core answered, and what `renderer.render` was given, in order."""
    handled: list[Outcome] = []
    rendered: list[tuple[Outcome, Any]] = []
    handle, render = AlignBot.handle, renderer.render

    async def spy_handle(self: AlignBot, event: Event) -> Outcome:
        outcome = await handle(self, event)
        handled.append(outcome)
        return outcome

    async def spy_render(self: Any, outcome: Outcome, where: Any, surface: Any) -> Any:
        rendered.append((outcome, surface))
        return await render(self, outcome, where, surface)

    monkeypatch.setattr(AlignBot, "handle", spy_handle)
    monkeypatch.setattr(renderer, "render", spy_render)
    return handled, rendered


def assert_all_rendered(spied: Spied, surfaces: type[Any]) -> None:
    handled, rendered = spied
    assert {type(outcome).__name__ for outcome in handled} == OUTCOME_KINDS
    assert [id(outcome) for outcome, _ in rendered] == [id(outcome) for outcome in handled]
    assert {surface for _, surface in rendered} == set(surfaces)


@pytest.fixture
def probe_bot(sqlite_db: Database, settings: Settings) -> Callable[[Any], AlignBot]:
    def build(clock: Any) -> AlignBot:
        ctx = Context(db=sqlite_db, messenger=MessengerHub(), clock=clock, settings=settings)
        return AlignBot(ctx, features=[probe_feature()])

    return build


async def test_every_console_outcome_goes_through_the_console_renderer(
    probe_bot: Callable[[Any], AlignBot], monkeypatch: pytest.MonkeyPatch
) -> None:
    spied = spy(monkeypatch, console_render.ConsoleRenderer)
    bot = probe_bot(PlaygroundClock())
    lines = iter(
        [
            "/probe echo hi",
            "/probe shout hi",  # buttons [1] +1, [2] +2, [3] Pick, [4] Form
            "1",  # replaces the message it was on
            "4",  # opens the form: title, size, colour, people, due
            *["bad", "", "", "", ""],  # refused: the title is asked again
            "again",  # a second page: every field again
            *["Launch", "", "", "", ""],
        ]
    )
    out = io.StringIO()
    terminal = Terminal(out, lambda: f"{line}\n" if (line := next(lines, None)) is not None else "")
    await ConsoleChat(bot, "ana", terminal, Board()).run()
    shown = out.getvalue()
    assert "counted 1" in shown
    assert "Please give a title." in shown
    assert "Saved Launch (blue)" in shown
    assert_all_rendered(spied, console_render.Surface)


async def test_every_page_outcome_goes_through_the_page_renderer(
    probe_bot: Callable[[Any], AlignBot], monkeypatch: pytest.MonkeyPatch
) -> None:
    spied = spy(monkeypatch, page_render.PageRenderer)
    clock = PlaygroundClock()
    bot = probe_bot(clock)
    playground = Playground(bot, Scheduler(bot.ctx, bot.features), clock)
    bot.messenger.connect(PLATFORM, playground)
    async with TestClient(TestServer(build_app(playground))) as client:

        async def call(path: str, **body: Any) -> dict[str, Any]:
            async with client.post(path, json={"as": "ana", **body}) as response:
                assert response.status == 200
                result: dict[str, Any] = await response.json()
                return result

        await call("/api/say", conversation="general", text="/probe shout hi")
        (shout,) = [m for m in playground.messages.values() if m.reply is not None]
        opened = await call("/api/press", message=shout.message_id, control=3)  # the form
        await call("/api/press", message=shout.message_id, control=0)  # +1: in place
        token = opened["form"]["token"]
        refused = await call("/api/submit", token=token, values={"title": "bad"})
        again = await call("/api/submit", token=token, values={"title": "again"})
        saved = await call("/api/submit", token=again["form"]["token"], values={"title": "Go"})
    assert set(refused["errors"]) == {"title", "nowhere"}
    assert saved == {}
    assert token not in playground.forms, "a submitted dialog stays open"
    assert shout.edited, "the pressed message was not replaced"
    assert_all_rendered(spied, page_render.Surface)
