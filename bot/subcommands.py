"""Declared subcommands read in one place: which `Subcommand` a command's text names, its
typed `Args`, who may run it, and one wording for every usage line and error.

The router calls these for every `CommandSpec` that declares subcommands; the functions here
are pure, so the conformance tests parse each documented example without running it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import process

from bot.errors import PermissionDenied, UserError
from bot.events import Actor
from bot.feature import Arg, ArgKind, Args, CommandSpec, Subcommand, Who
from bot.mentions import MENTION, MentionedUser, readable
from bot.replies import Code, Reply, reply, small_print, text

ASKS_FOR_HELP = frozenset({"help", "?", "--help", "-h"})
MAX_NUMBER_DIGITS = 12
SHOWN_CHARS = 30  # how much of a wrong word an error repeats


@dataclass(frozen=True)
class Chosen:
    """What the text names: a subcommand (None: none matched `word`), the text after it, and
    a scope word before it for the command's `Scope` to resolve."""

    sub: Subcommand | None
    word: str
    rest: str
    scope_word: str = ""


def choose(spec: CommandSpec, typed: str) -> Chosen:
    word, rest = _first_word(typed)
    if not word:
        return Chosen(spec.default, "", "")
    sub = spec.subcommand(word)
    if sub is not None:
        return Chosen(sub, word, rest)
    if spec.default is not None and spec.default.args:
        return Chosen(spec.default, "", typed.strip())  # `/alignbot forget @ana`
    if spec.scope is None or word.casefold() in ASKS_FOR_HELP:
        return Chosen(None, word, rest)
    inner, tail = _first_word(rest)
    if not inner:
        return Chosen(spec.default, "", "", scope_word=word)
    return Chosen(spec.subcommand(inner, scoped=True), inner, tail, scope_word=word)


def read_args(spec: CommandSpec, sub: Subcommand, rest: str, scope: object = None) -> Args:
    """The subcommand's arguments, in declared order; anything missing, malformed or left
    over is a `UserError` worded the same for every command."""
    values: dict[str, str | int | MentionedUser | None] = {}
    left = rest.strip()
    for arg in sub.args:
        if arg.kind is ArgKind.TEXT:
            values[arg.name], left = left, ""
        elif arg.kind is ArgKind.PERSON:
            values[arg.name], left = _person(left)
        else:
            word, left = _first_word(left)
            values[arg.name] = _word(spec, sub, arg, word) if word else None
        if arg.required and values[arg.name] in (None, ""):
            raise UserError(
                f"`{usage(spec, sub)}` needs {arg.called}, e.g. `{example(spec, sub)}`."
            )
    if left:
        raise UserError(
            f"`{left[:SHOWN_CHARS]}` is more than `{usage(spec, sub)}` takes, "
            f"e.g. `{example(spec, sub)}`."
        )
    return Args(values, rest.strip(), scope)


def ensure_allowed(sub: Subcommand, actor: Actor) -> None:
    if sub.who is Who.ADMINS and not actor.is_admin:
        raise PermissionDenied(f"Only {sub.who.value} can {sub.doing or 'do that'}.")


def unknown(spec: CommandSpec, word: str, scope_names: list[str] | None = None) -> str:
    choices = [name for sub in spec.subcommands for name in sub.names] + (scope_names or [])
    guess = process.extractOne(word.casefold(), choices, score_cutoff=70)
    hint = f" Did you mean `{spec.typed} {guess[0]}`?" if guess else ""
    noun = spec.scope.noun if spec.scope and scope_names is not None else ""
    also = f", and no {noun} is called that" if noun else ""
    return f"I don't know `{spec.typed} {word[:SHOWN_CHARS]}`{also}.{hint} Try `{spec.typed} help`."


def usage(spec: CommandSpec, sub: Subcommand) -> str:
    """`/insight show <id>`, `/standup history [who]`: required `<arg>`, optional `[arg]`."""
    parts = [spec.typed, sub.name] + [_placeholder(arg) for arg in sub.args]
    return " ".join(part for part in parts if part)


def example(spec: CommandSpec, sub: Subcommand) -> str:
    return sub.examples[0].command if sub.examples else usage(spec, sub)


def explain(spec: CommandSpec, sub: Subcommand) -> Reply:
    """`/digest send help`: one subcommand's usage, examples and who may run it."""
    lines: list[str | Code] = [Code(usage(spec, sub)), f"  {sub.summary}"]
    for shown in sub.examples:
        lines += ["\n   ", Code(shown.command), f"  {shown.meaning}"]
    who = () if sub.who is Who.ANYONE else (small_print(f"Only {sub.who.value} can run it."),)
    return reply(text(*lines), *who, small_print("Every subcommand: ", Code(f"{spec.typed} help")))


def _first_word(typed: str) -> tuple[str, str]:
    word, _, rest = typed.strip().partition(" ")
    return word, rest.strip()


def _placeholder(arg: Arg) -> str:
    return f"<{arg.name}>" if arg.required else f"[{arg.name}]"


def _word(spec: CommandSpec, sub: Subcommand, arg: Arg, word: str) -> int | str:
    """A WORD argument as typed; a NUMBER one as its value (`12`, `#12`, a `#12` channel link)."""
    if arg.kind is not ArgKind.NUMBER:
        return word
    shown = readable(word).strip()
    digits = shown.lstrip("#")
    if not digits.isdigit() or len(digits) > MAX_NUMBER_DIGITS:
        raise UserError(
            f"`{shown[:SHOWN_CHARS]}` is not {arg.called}; e.g. `{example(spec, sub)}`."
        )
    return int(digits)


def _person(left: str) -> tuple[MentionedUser | None, str]:
    found = MENTION.match(left)
    if found is None:
        return None, left
    return MentionedUser(found.group(1), found.group(2) or ""), left[found.end() :].strip()
