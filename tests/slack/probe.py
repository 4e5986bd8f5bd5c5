"""A test-only feature exercising every outcome the adapter must render.

`/probe echo <text>` private echo, `/probe shout <text>` public post with a button and a menu,
`/probe form` opens a form, `/probe dm` sends a DM proactively, `/probe slow` answers after a
second. Its button counts clicks in the message itself (`replace_original`). Form titles steer
the submission: `bad` is refused, `slow` takes a second, `again` opens another form, `public`
answers in the channel.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Command, Event, Submission
from bot.feature import CommandSpec, Feature
from bot.replies import (
    Bold,
    Button,
    ButtonStyle,
    Form,
    FormErrors,
    Input,
    InputKind,
    Mention,
    Option,
    Outcome,
    Select,
    buttons,
    reply,
    say,
    text,
)


@dataclass
class Seen:
    events: list[Event] = field(default_factory=list)


def _form(metadata: str) -> Form:
    return Form(
        "probe.form",
        "A form with a much too long title",
        (
            Input("title", "Title", placeholder="What happened?"),
            Input("size", "Size", InputKind.NUMBER, required=False, min_value=1, max_value=10),
            Input(
                "colour",
                "Colour",
                InputKind.SELECT,
                options=(Option("Red", "red"), Option("Blue", "blue")),
                initial="blue",
            ),
            Input("people", "People", InputKind.USERS, required=False),
            Input("due", "Due", InputKind.DATE, required=False),
        ),
        metadata=metadata,
    )


def probe_feature(seen: Seen | None = None, slow_seconds: float = 1.0) -> Feature:
    seen = seen if seen is not None else Seen()

    async def probe(command: Command, ctx: Context) -> Outcome:
        seen.events.append(command)
        verb, _, rest = command.text.partition(" ")
        match verb:
            case "echo":
                return say("You said: ", rest)
            case "shout":
                return reply(
                    text(Mention(command.actor.user_id), " says ", Bold(rest)),
                    buttons(
                        Button("+1", "probe.count", "1", ButtonStyle.PRIMARY),
                        Button("+2", "probe.count", "2"),
                        Select("probe.pick", "Pick", (Option("A", "a"), Option("B", "b"))),
                        Button("Form", "probe.open"),
                    ),
                    public=True,
                )
            case "form":
                return _form(metadata=f"from:{command.conversation.channel_id}")
            case "dm":
                await ctx.messenger.send_direct(
                    command.actor.workspace_id, command.actor.user_id, say("psst"), platform="slack"
                )
                return None
            case "slow":
                await asyncio.sleep(slow_seconds)
                return say("finally")
            case "boom":
                raise RuntimeError("probe exploded")
            case _:
                raise UserError("Try `/probe echo hi`.")

    async def count(action: Action, ctx: Context) -> Outcome:
        seen.events.append(action)
        return reply(text(f"counted {action.value}"), public=True, replace_original=True)

    async def pick(action: Action, ctx: Context) -> Outcome:
        seen.events.append(action)
        return say(f"picked {action.value}")

    async def open_form(action: Action, ctx: Context) -> Outcome:
        seen.events.append(action)
        return _form(metadata="from a button")

    async def submitted(submission: Submission, ctx: Context) -> Outcome:
        seen.events.append(submission)
        title = submission.text("title")
        if title == "slow":
            await asyncio.sleep(slow_seconds)
            return say("finally saved")
        if title == "again":
            return _form(metadata="second")
        if title == "public":
            return reply(text("Everyone: ", submission.text("colour")), public=True)
        if not title or title == "bad":
            return FormErrors({"title": "Please give a title.", "nowhere": "Also this."})
        return say(f"Saved {title} ({submission.text('colour')})")

    return Feature(
        name="probe",
        commands=(CommandSpec("probe", "exercises the Slack adapter", probe),),
        actions={"probe.count": count, "probe.pick": pick, "probe.open": open_form},
        forms={"probe.form": submitted},
    )
