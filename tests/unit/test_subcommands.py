"""Declared subcommands: the router picks the verb, reads typed arguments, refuses who may not
run it and words every error the same, for any feature that declares them."""

from __future__ import annotations

import pytest

from adapters.local.render import render
from bot.app import AlignBot
from bot.context import Context
from bot.events import Command
from bot.feature import (
    Arg,
    ArgKind,
    Args,
    CommandSpec,
    Example,
    Feature,
    Scope,
    Subcommand,
    Who,
)
from bot.features.help import FEATURE as HELP
from bot.replies import Outcome, say
from tests.conftest import ask, person

TEAMS = {"design": "Design team", "growth": "Growth team"}


async def _show(command: Command, args: Args, ctx: Context) -> Outcome:
    return say(f"show {args.number('id')} in {args.scope or 'no team'}")


async def _status(command: Command, args: Args, ctx: Context) -> Outcome:
    return say(f"status in {args.scope or 'no team'}")


async def _send(command: Command, args: Args, ctx: Context) -> Outcome:
    return say(f"sent {args.text('note') or 'nothing'}")


async def _forget(command: Command, args: Args, ctx: Context) -> Outcome:
    found = args.person("who")
    return say(f"forget {found.user_id if found else '?'}")


async def _resolve(word: str, command: Command, ctx: Context) -> object | None:
    return TEAMS.get(word.casefold())


async def _known(command: Command, ctx: Context) -> list[str]:
    return sorted(TEAMS)


STATUS = Subcommand("status", "how it stands", _status, examples=(Example("/demo", "status"),))
DEMO = CommandSpec(
    name="demo",
    summary="a command with declared subcommands",
    default=STATUS,
    subcommands=(
        STATUS,
        Subcommand(
            "show",
            "one item",
            _show,
            args=(Arg("id", ArgKind.NUMBER, label="an item number"),),
            examples=(Example("/demo show 12", "item 12"),),
            aliases=("view",),
        ),
        Subcommand(
            "send",
            "post it now",
            _send,
            args=(Arg("note", ArgKind.TEXT, required=False),),
            examples=(Example("/demo send", "post it now (admins)"),),
            who=Who.ADMINS,
            doing="send the demo by hand",
            scoped=False,
        ),
    ),
    scope=Scope("demo team", _resolve, _known, (Example("/demo design show 3", "in a team"),)),
)
FORGET = CommandSpec(
    name="wipe",
    summary="erase a person",
    umbrella_only=True,
    default=Subcommand(
        "",
        "erase a person",
        _forget,
        args=(Arg("who", ArgKind.PERSON, label="one person (an @mention)"),),
        examples=(Example("/alignbot wipe @ana", "erase Ana"),),
    ),
)


@pytest.fixture
def demo_bot(alignbot: AlignBot) -> AlignBot:
    return AlignBot(alignbot.ctx, [Feature("demo", commands=(DEMO, FORGET)), HELP])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/demo", "status in no team"),
        ("/demo STATUS", "status in no team"),
        ("/demo show 12", "show 12 in no team"),
        ("/demo show #12", "show 12 in no team"),
        ("/demo view 7", "show 7 in no team"),
        ("/demo design", "status in Design team"),
        ("/demo Growth show 4", "show 4 in Growth team"),
        ("demo show 5", "show 5 in no team"),
        ("/alignbot wipe <@U9|ana>", "forget U9"),
    ],
)
async def test_subcommands_and_their_arguments_are_read(
    demo_bot: AlignBot, line: str, expected: str
) -> None:
    assert render(await ask(demo_bot, line)) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/demo shw 1", "no demo team is called that. Did you mean `/demo show`?"),
        (
            "/demo desing",
            "I don't know `/demo desing`, and no demo team is called that. "
            "Did you mean `/demo design`? Try `/demo help`.",
        ),
        ("/demo design send", "I don't know `/demo send`."),
        ("/demo show", "`/demo show <id>` needs an item number, e.g. `/demo show 12`."),
        ("/demo show twelve", "`twelve` is not an item number; e.g. `/demo show 12`."),
        ("/demo show 1234567890123", "is not an item number"),
        ("/demo show 12 13", "`13` is more than `/demo show <id>` takes, e.g. `/demo show 12`."),
        ("/demo status now", "`now` is more than `/demo status` takes"),
        ("/alignbot wipe ana", "`/alignbot wipe <who>` needs one person (an @mention)"),
        ("/alignbot wipe <@U1> <@U2>", "`<@U2>` is more than `/alignbot wipe <who>` takes"),
    ],
)
async def test_bad_input_gets_one_wording(demo_bot: AlignBot, line: str, message: str) -> None:
    assert message in render(await ask(demo_bot, line, person(admin=True)))


async def test_who_may_run_it_is_checked_before_the_arguments(demo_bot: AlignBot) -> None:
    refused = render(await ask(demo_bot, "/demo send a note"))
    assert refused == "Only workspace admins can send the demo by hand."
    assert render(await ask(demo_bot, "/demo send a note", person(admin=True))) == "sent a note"


async def test_help_comes_from_the_declaration(demo_bot: AlignBot) -> None:
    listed = render(await ask(demo_bot, "/demo help"))
    for example in DEMO.examples:
        assert example.command in listed
    assert [e.command for e in DEMO.examples] == [
        "/demo",
        "/demo show 12",
        "/demo send",
        "/demo design show 3",
    ]
    assert render(await ask(demo_bot, "/demo design help")) == listed
    one = render(await ask(demo_bot, "/demo send help", person(admin=True)))
    assert "/demo send [note]" in one
    assert "Only workspace admins can run it." in one
    assert "/demo show 12" not in one


def test_a_command_has_a_handler_or_subcommands() -> None:
    with pytest.raises(ValueError, match="not both"):
        CommandSpec("both", "x", _handler, default=STATUS)
    with pytest.raises(ValueError, match="not both"):
        CommandSpec("neither", "x")


async def _handler(command: Command, ctx: Context) -> Outcome:
    return None
