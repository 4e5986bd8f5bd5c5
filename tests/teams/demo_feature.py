"""A tiny test-only feature exercising every outcome the Teams adapter must deliver."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.context import Context
from bot.events import Action, Command, Submission
from bot.feature import CommandSpec, Feature
from bot.replies import (
    Button,
    Form,
    FormErrors,
    Input,
    InputKind,
    Option,
    Outcome,
    Preformatted,
    buttons,
    reply,
    say,
    text,
)

FORM = Form(
    form_id="demo.form",
    title="Tell me",
    inputs=(
        Input("title", "Title", max_length=20),
        Input("count", "Count", InputKind.NUMBER, min_value=1, max_value=5),
        Input("tags", "Tags", InputKind.MULTI_SELECT, options=(Option("A", "a"), Option("B", "b"))),
        Input("who", "People", InputKind.USERS, required=False),
    ),
    metadata="ctx-1",
)


@dataclass
class Seen:
    commands: list[Command] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)


def demo_feature(seen: Seen) -> Feature:
    async def echo(command: Command, ctx: Context) -> Outcome:
        seen.commands.append(command)
        return reply(
            text("you said: ", command.text),
            buttons(Button("Tally", "demo.tally", "5"), Button("Ping", "demo.ping", "p")),
            public=True,
        )

    async def ask(command: Command, ctx: Context) -> Outcome:
        return FORM

    async def big(command: Command, ctx: Context) -> Outcome:
        rows = "\n".join(f"row {i:04},{'x' * 60}" for i in range(int(command.text or "600")))
        return reply(Preformatted(rows))

    async def tally(action: Action, ctx: Context) -> Outcome:
        seen.actions.append(action)
        return reply(text("tally ", action.value), replace_original=True, public=True)

    async def ping(action: Action, ctx: Context) -> Outcome:
        seen.actions.append(action)
        return say("pong ", action.value)

    async def open_form(action: Action, ctx: Context) -> Outcome:
        seen.actions.append(action)
        return FORM

    async def submitted(submission: Submission, ctx: Context) -> Outcome:
        seen.submissions.append(submission)
        if submission.text("title") == "bad":
            return FormErrors({"title": "Give it a real title."})
        return say("Saved ", submission.text("title"))

    return Feature(
        name="demo",
        commands=(
            CommandSpec("echo", "repeats what you say", echo),
            CommandSpec("ask", "opens a form", ask),
            CommandSpec("big", "answers with a very long export", big),
        ),
        actions={"demo.tally": tally, "demo.ping": ping, "demo.open": open_form},
        forms={"demo.form": submitted},
    )
