"""The one grammar: slash commands, messages, the umbrella command, unknown and bad input."""

from __future__ import annotations

import logging

import pytest

from adapters.local.render import render
from bot.app import AlignBot
from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Command, Message, Submission
from bot.feature import CommandSpec, Feature
from bot.replies import Reply, say
from bot.router import Router
from tests.conftest import ask, channel, person


def _echo_feature(seen: list[Command]) -> Feature:
    async def echo(command: Command, ctx: Context) -> Reply:
        seen.append(command)
        return say(f"{command.name}:{command.text}")

    async def boom(command: Command, ctx: Context) -> Reply:
        raise RuntimeError("database exploded")

    async def refuse(command: Command, ctx: Context) -> Reply:
        raise UserError("Please give a name.")

    return Feature(
        name="echo",
        commands=(
            CommandSpec("who", "echo", echo),
            CommandSpec("help", "echo", echo),
            CommandSpec("boom", "fails", boom),
            CommandSpec("refuse", "refuses", refuse),
        ),
    )


@pytest.fixture
def seen() -> list[Command]:
    return []


@pytest.fixture
def echo_bot(alignbot: AlignBot, seen: list[Command]) -> AlignBot:
    return AlignBot(alignbot.ctx, [_echo_feature(seen)])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/who owns the roadmap", "who:owns the roadmap"),
        ("who owns the roadmap?", "who:owns the roadmap?"),
        ("Who owns the roadmap?", "who:owns the roadmap?"),
        ("<@UBOT> who owns the roadmap", "who:owns the roadmap"),
        ("@alignbot who owns x", "who:owns x"),
        ("alignbot: who owns x", "who:owns x"),
        ("/alignbot who owns x", "who:owns x"),
        ("/alignbot", "help:"),
        ("hello", "help:"),
        ("  /who   owns   x  ", "who:owns   x"),
    ],
)
async def test_every_spelling_reaches_the_same_command(
    echo_bot: AlignBot, line: str, expected: str
) -> None:
    outcome = await ask(echo_bot, line)
    assert isinstance(outcome, Reply)
    assert render(outcome) == expected


async def test_unknown_command_suggests_the_closest(echo_bot: AlignBot) -> None:
    outcome = await ask(echo_bot, "/whoo owns x")
    assert isinstance(outcome, Reply)
    assert "Did you mean `who`?" in render(outcome)


async def test_user_error_is_shown_as_written(echo_bot: AlignBot) -> None:
    outcome = await ask(echo_bot, "/refuse")
    assert isinstance(outcome, Reply)
    assert render(outcome) == "Please give a name."


async def test_a_bug_never_shows_a_traceback(
    echo_bot: AlignBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        outcome = await ask(echo_bot, "/boom")
    assert isinstance(outcome, Reply)
    shown = render(outcome)
    assert "nothing was changed" in shown
    assert "Traceback" not in shown
    assert "database exploded" not in shown
    assert "database exploded" in caplog.text


async def test_overlong_text_is_refused(echo_bot: AlignBot, seen: list[Command]) -> None:
    outcome = await ask(echo_bot, "/who " + "x" * 20_001)
    assert isinstance(outcome, Reply)
    assert "20,001 characters" in render(outcome)
    assert seen == []


async def test_stale_buttons_and_forms_get_a_friendly_answer(echo_bot: AlignBot) -> None:
    pressed = await echo_bot.handle(Action("gone.button", "1", person(), channel()))
    submitted = await echo_bot.handle(Submission("gone.form", {}, person(), channel()))
    assert isinstance(pressed, Reply)
    assert isinstance(submitted, Reply)
    assert "older version" in render(pressed)
    assert "expired" in render(submitted)


def test_two_features_cannot_claim_one_command() -> None:
    async def handler(command: Command, ctx: Context) -> None:
        return None

    twice = Feature("a", commands=(CommandSpec("x", "", handler),))
    with pytest.raises(ValueError, match="already handles"):
        Router([twice, twice])


async def test_admins_from_settings_are_flagged(alignbot: AlignBot) -> None:
    seen: list[Command] = []

    async def record(command: Command, ctx: Context) -> None:
        seen.append(command)

    alignbot.ctx.settings = alignbot.ctx.settings.model_copy(update={"admins": "U9"})
    bot = AlignBot(alignbot.ctx, [Feature("r", commands=(CommandSpec("r", "", record),))])
    await bot.handle(Message("r", person("U9"), channel()))
    await bot.handle(Message("r", person("U1"), channel()))
    assert [c.actor.is_admin for c in seen] == [True, False]
