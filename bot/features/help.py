"""`help`: one screen with every command, `help <command>` for its details, `help all`.

Built from what the features declare, so a new command shows up without touching this file.
`/vote help` (any command followed by `help`) reaches the same details through the router.
"""

from __future__ import annotations

from bot.context import Context
from bot.events import Command
from bot.feature import CommandSpec, Example, Feature
from bot.replies import Block, Code, Heading, Outcome, Text, reply, small_print, text

NO_SLASH_COMMANDS = frozenset({"teams"})  # the same words arrive as plain messages there
EVERYTHING = frozenset({"all", "more", "everything"})


async def show_help(command: Command, ctx: Context) -> Outcome:
    by_name = sorted(ctx.commands, key=lambda spec: spec.name)
    specs = [spec for spec in by_name if spec.name != "help"]
    slash = "" if command.conversation.platform in NO_SLASH_COMMANDS else "/"
    wanted = command.text.split()[0].lower().lstrip("/") if command.text.split() else ""
    if wanted in EVERYTHING:
        return reply(Heading("alignbot: every command"), *(_describe(s, slash) for s in specs))
    chosen = [spec for spec in specs if spec.name == wanted]
    if chosen:
        return reply(_describe(chosen[0], slash), _more(slash, chosen[0].name))
    blocks: list[Block] = [Heading("alignbot: what I can do"), _how(slash)]
    if wanted:
        blocks.insert(0, text(f"There is no command `{wanted[:30]}`; here is what there is."))
    blocks += [_one_line(spec, slash) for spec in specs]
    blocks.append(
        small_print(
            "More on one: ",
            Code(f"{slash}vote help"),
            " · everything at once: ",
            Code(_help(slash, "all")),
        )
    )
    return reply(*blocks)


def _how(slash: str) -> Text:
    if not slash:
        return text(
            "Write any of these as a message (",
            Code("who owns the roadmap?"),
            "); in a channel, @mention alignbot first.",
        )
    return text(
        "Use them as slash commands (",
        Code("/who owns the roadmap"),
        ") or, in a DM, just write them (",
        Code("who owns the roadmap?"),
        ").",
    )


def _written(example: Example, slash: str) -> str:
    return example.command if slash else example.command.removeprefix("/")


def _typed(spec: CommandSpec, slash: str) -> str:
    """How the command is typed: `/vote`, or `/alignbot my` for one with no slash command."""
    return f"{slash}alignbot {spec.name}" if slash and spec.umbrella_only else slash + spec.name


def _one_line(spec: CommandSpec, slash: str) -> Text:
    """`/vote — prioritise the backlog together…, e.g. /vote new`: one line per command."""
    head = f"{_typed(spec, slash)} — {spec.summary}"
    if not spec.examples:
        return text(head)
    return text(f"{head}, e.g. ", Code(_written(spec.examples[0], slash)))


def _describe(spec: CommandSpec, slash: str) -> Text:
    spans: list[str | Code] = [f"{_typed(spec, slash)} — {spec.summary}"]
    for example in spec.examples:
        spans += ["\n   ", Code(_written(example, slash)), f"  {example.meaning}"]
    return text(*spans)


def _more(slash: str, name: str) -> Block:
    return small_print(
        "Every command: ", Code(_help(slash)), " · this again: ", Code(f"{slash}{name} help")
    )


def _help(slash: str, rest: str = "") -> str:
    """How to ask for help: `/alignbot help` (Slack's own `/help` is not ours), `help` else."""
    return " ".join(part for part in (f"{slash}alignbot help" if slash else "help", rest) if part)


FEATURE = Feature(
    name="help",
    commands=(
        CommandSpec(
            name="help",
            summary="this list; `help vote` explains one command",
            handler=show_help,
            examples=(
                Example("/alignbot help vote", "details for one command"),
                Example("/alignbot help all", "every command with every example"),
            ),
        ),
    ),
)
