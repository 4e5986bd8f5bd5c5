"""`/alignbot help`: every command with an example, built from what the features declare."""

from __future__ import annotations

from bot.context import Context
from bot.events import Command
from bot.feature import CommandSpec, Example, Feature
from bot.replies import Block, Code, Heading, Outcome, Text, reply, text

NO_SLASH_COMMANDS = frozenset({"teams"})  # the same words arrive as plain messages there


async def show_help(command: Command, ctx: Context) -> Outcome:
    specs = sorted(ctx.commands, key=lambda spec: spec.name)
    if command.text:
        wanted = command.text.split()[0].lower().lstrip("/")
        specs = [spec for spec in specs if spec.name == wanted] or specs
    slash = "" if command.conversation.platform in NO_SLASH_COMMANDS else "/"
    how = (
        text(
            "Write any of these as a message (",
            Code("who owns the roadmap?"),
            "); in a channel, @mention alignbot first.",
        )
        if not slash
        else text(
            "Use them as slash commands (",
            Code("/who owns the roadmap"),
            ") or, in a DM, just write them (",
            Code("who owns the roadmap?"),
            ").",
        )
    )
    blocks: list[Block] = [Heading("alignbot: what I can do"), how]
    for spec in specs:
        if spec.name == "help":
            continue
        blocks.append(_describe(spec, slash))
    return reply(*blocks)


def _describe(spec: CommandSpec, slash: str) -> Text:
    spans: list[str | Code] = [f"{slash}{spec.name} — {spec.summary}"]
    for example in spec.examples:
        written = example.command if slash else example.command.removeprefix("/")
        spans += ["\n   ", Code(written), f"  {example.meaning}"]
    return text(*spans)


FEATURE = Feature(
    name="help",
    commands=(
        CommandSpec(
            name="help",
            summary="lists every command with an example",
            handler=show_help,
            examples=(Example("/alignbot help who", "details for one command"),),
        ),
    ),
)
