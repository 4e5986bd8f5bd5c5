"""`/alignbot help`: every command with an example, built from what the features declare."""

from __future__ import annotations

from bot.context import Context
from bot.events import Command
from bot.feature import CommandSpec, Example, Feature
from bot.replies import Block, Code, Heading, Outcome, Text, reply, text


async def show_help(command: Command, ctx: Context) -> Outcome:
    specs = sorted(ctx.commands, key=lambda spec: spec.name)
    if command.text:
        wanted = command.text.split()[0].lower().lstrip("/")
        specs = [spec for spec in specs if spec.name == wanted] or specs
    blocks: list[Block] = [
        Heading("alignbot: what I can do"),
        text(
            "Type a command below. In Slack use it as a slash command (",
            Code("/who owns the roadmap"),
            "); in Teams or a DM just write it (",
            Code("who owns the roadmap?"),
            ").",
        ),
    ]
    for spec in specs:
        if spec.name == "help":
            continue
        blocks.append(_describe(spec))
    return reply(*blocks)


def _describe(spec: CommandSpec) -> Text:
    spans: list[str | Code] = [f"/{spec.name} — {spec.summary}"]
    for example in spec.examples:
        spans += ["\n   ", Code(example.command), f"  {example.meaning}"]
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
